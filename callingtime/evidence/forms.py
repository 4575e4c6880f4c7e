"""Forms of the evidence pages: they parse input, the areas package judges it."""

from __future__ import annotations

from django import forms


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
