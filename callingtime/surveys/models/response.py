"""One person's answers to a survey, stored whole or not at all.

A response keeps only the area codes of a postcode (LSOA, ward, constituency, local authority)
unless the person consented to be contacted; then their name, e-mail and postcode are kept for
that, until the survey's data is anonymised.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from callingtime.surveys.models.survey import Question, Survey


class ResponseSource(models.TextChoices):
    ONLINE = "online", "Online"
    PAPER = "paper", "Paper"


class Response(models.Model):
    """One submitted survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    source = models.CharField(
        max_length=10, choices=ResponseSource.choices, default=ResponseSource.ONLINE
    )
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(db_index=True)
    lsoa_code = models.CharField(max_length=12, blank=True)
    ward_code = models.CharField(max_length=12, blank=True, db_index=True)
    constituency_code = models.CharField(max_length=12, blank=True, db_index=True)
    local_authority_code = models.CharField(max_length=12, blank=True)
    contact_consent = models.BooleanField(default=False)
    contact_name = models.CharField(max_length=100, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    contact_postcode = models.CharField(max_length=8, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"Response {self.pk} to survey {self.survey_id}"


class Answer(models.Model):
    """One answer value: a chosen option (one row per option), a rank, a number or some text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value_text = models.TextField(blank=True)
    value_number = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "value_text"], name="answer_value_idx")]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class SubmissionGuard(models.Model):
    """Submissions per connection per survey per day, by a keyed hash that rotates daily.

    The soft guard against repeat answers counts connections without keeping who they are:
    the hash is of the address under a key that changes every day, and old rows are deleted.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    client_hash = models.CharField(max_length=64)
    submissions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "day", "client_hash"], name="submission_guard_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submissions} on {self.day}"
