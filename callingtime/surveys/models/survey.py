"""A survey (one version of it) and its ordered questions.

A survey is frozen once it has answers: editing it then makes a new version (`previous` points
back), so every answer stays tied to the exact questions and consent wording it was given.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from callingtime.campaigns.models import Campaign

CONTACT_CONSENT_DEFAULT = (
    "You may contact me about this survey and the campaign. Keep my name, e-mail and postcode "
    "for that only; I can ask you to delete them at any time."
)


class Survey(models.Model):
    """One version of a survey attached to a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField(max_length=200)
    introduction = models.TextField(max_length=2000, blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_version"
    )
    template_key = models.CharField(max_length=40, blank=True)
    published = models.BooleanField(default=False, help_text="Drafts take no answers.")
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    contact_enabled = models.BooleanField(default=True)
    contact_consent = models.TextField(max_length=1000, default=CONTACT_CONSENT_DEFAULT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def is_open_at(self, moment: datetime) -> bool:
        """Return whether the survey takes answers at that moment."""
        if not self.published or self.superseded:
            return False
        if self.opens_at and moment < self.opens_at:
            return False
        return not (self.closes_at and moment >= self.closes_at)

    @property
    def superseded(self) -> bool:
        """Return whether a newer version replaced this one (it then takes no answers)."""
        try:
            return self.next_version is not None
        except Survey.DoesNotExist:
            return False

    @property
    def is_open(self) -> bool:
        return self.is_open_at(timezone.now())


class QuestionKind(models.TextChoices):
    """What kind of answer a question takes."""

    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    SCALE = "scale", "Scale of 1 to 5"
    RANKING = "ranking", "Ranking"
    NUMBER = "number", "Number"
    TEXT = "text", "Free text"
    POSTCODE = "postcode", "Postcode"


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING})


class Question(models.Model):
    """One question; `show_if_*` shows it only when an earlier answer is one of some options."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=40, help_text="A stable name, kept across versions.")
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    # Choice and ranking options; for a scale, the labels of its two ends.
    options = models.JSONField(default=list, blank=True)
    number_min = models.IntegerField(null=True, blank=True)
    number_max = models.IntegerField(null=True, blank=True)
    show_if_question = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="dependants"
    )
    show_if_values = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="question_key_unique"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [str(option) for option in self.options]
