"""Forms of the evidence pages: they parse input, the areas and crimedata packages judge it."""

from __future__ import annotations

from typing import Any

from django import forms

from callingtime.crimedata.profile import profile_categories
from callingtime.infographics import hashtag_clean

SOURCE_CHOICES = (
    ("best", "Best available for this area"),
    ("police-uk", "police.uk street-level crime"),
    ("mps", "Metropolitan Police counts (London)"),
)
CATEGORY_UNKNOWN = "There is no crime category {value!r}. Choose one of: {valid}."
END_FORMAT = "Enter the last month as YYYY-MM, for example 2024-11."


class PostcodeForm(forms.Form):
    """A UK postcode, as typed."""

    postcode = forms.CharField(
        label="Postcode",
        max_length=16,
        help_text="For example N7 6PA",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )


class AreaSearchForm(forms.Form):
    """Part of an area's name: a ward, borough, constituency or police force."""

    q = forms.CharField(label="Area name", max_length=80, min_length=2)


class ProfileForm(forms.Form):
    """Which profile to show: a crime category, the last month of the window and the source."""

    category = forms.CharField(label="Crime category", required=False, max_length=60)
    end = forms.RegexField(
        label="Last month",
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        error_messages={"invalid": END_FORMAT},
    )
    source = forms.ChoiceField(label="Source", choices=SOURCE_CHOICES, required=False)

    def clean_category(self) -> str:
        value: str = self.cleaned_data.get("category") or "all-crime"
        valid = [slug for slug, _ in profile_categories()]
        if value not in valid:
            raise forms.ValidationError(
                CATEGORY_UNKNOWN.format(value=value, valid=", ".join(valid)), code="unknown"
            )
        return value

    def category_choices(self) -> list[tuple[str, str]]:
        """Return every category the profile offers, as (slug, label)."""
        return list(profile_categories())

    def source_choices(self) -> tuple[tuple[str, str], ...]:
        """Return the sources a profile can be read from."""
        return SOURCE_CHOICES

    def selected(self) -> dict[str, str]:
        """Return what the form shows as chosen: the cleaned values, else what was typed."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        raw = self.data if self.is_bound else {}
        return {
            name: str(data.get(name) or raw.get(name) or default)
            for name, default in (("category", "all-crime"), ("end", ""), ("source", "best"))
        }

    def query(self) -> dict[str, Any]:
        """Return the profile's keyword arguments (call after is_valid)."""
        source = self.cleaned_data.get("source") or "best"
        return {
            "category": self.cleaned_data["category"],
            "end": self.cleaned_data.get("end") or None,
            "source": None if source == "best" else source,
        }


class ShareForm(ProfileForm):
    """An infographic: the profile's choices, plus its size and an optional hashtag."""

    size = forms.ChoiceField(
        label="Size", choices=(("square", "Square"), ("landscape", "Landscape")), required=False
    )
    hashtag = forms.CharField(label="Hashtag", required=False)

    def clean_hashtag(self) -> str | None:
        try:
            return hashtag_clean(self.cleaned_data.get("hashtag"))
        except ValueError as error:
            raise forms.ValidationError(str(error), code="hashtag") from error

    def clean_size(self) -> str:
        return self.cleaned_data.get("size") or "square"
