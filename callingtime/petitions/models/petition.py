"""A petition, its milestones and consent wording, and the counts derived from its signatures."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone

from callingtime.campaigns.models import Campaign

# Signatures whose postcode is valid but not in the loaded lookup are counted under this code.
UNKNOWN_CONSTITUENCY = ""


class PetitionState(models.TextChoices):
    """Where a petition is in its life; a petition past its closing date is closed."""

    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Petition(models.Model):
    """One petition of a campaign. The counter derives its counts; the signature rows are truth."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="petitions")
    action = models.CharField(max_length=160, help_text="The demand, as a short imperative.")
    background = models.TextField(max_length=2000)
    additional_details = models.TextField(max_length=4000, blank=True)
    state = models.CharField(
        max_length=10, choices=PetitionState.choices, default=PetitionState.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closing_date = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    signing_paused = models.BooleanField(default=False)
    counting_paused = models.BooleanField(default=False)
    # Derived by the counter only (one `+ n` per run), repaired by reconcile.
    signature_count = models.PositiveIntegerField(default=0)
    signature_count_online = models.PositiveIntegerField(default=0)
    signature_count_paper = models.PositiveIntegerField(default=0)
    counted_until = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.action

    def is_open_on(self, day: date) -> bool:
        """Return whether the petition takes signatures on that day."""
        return self.state == PetitionState.OPEN and day <= self.closing_date

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def public_state(self) -> str:
        """The state as the public sees it: open petitions past their date read as closed."""
        if self.state == PetitionState.OPEN and not self.is_open:
            return PetitionState.CLOSED
        return str(self.state)


class Milestone(models.Model):
    """A signature count worth celebrating; `reached_at` is set by the counter that crosses it."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="milestones")
    threshold = models.PositiveIntegerField()
    label = models.CharField(max_length=200, blank=True)
    reached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["threshold"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "threshold"], name="milestone_unique")
        ]

    def __str__(self) -> str:
        return f"{self.threshold:,}"


DELIVERY_FIELDS = ("name",)


class ConsentWording(models.Model):
    """The exact words a signer agreed to, kept by version so each signature names what it saw."""

    version = models.CharField(max_length=40, unique=True)
    declaration = models.TextField(help_text="The UK-residence declaration.")
    opt_in = models.TextField(help_text="The wording of the optional opt-in to updates.")
    privacy_summary = models.TextField(help_text="The short privacy notice beside the form.")
    # What this wording lets the campaign hand to the petition's target on delivery, beyond
    # the counts: a comma-separated subset of DELIVERY_FIELDS ('' = nothing personal).
    delivery_fields = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version

    @property
    def delivery_allows(self) -> frozenset[str]:
        """Return the personal fields signers under this wording agreed to hand over."""
        fields = {f.strip() for f in self.delivery_fields.split(",")}
        return frozenset(fields & set(DELIVERY_FIELDS))


class ConstituencyCount(models.Model):
    """Signatures counted for one petition in one constituency ('' = constituency not known)."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="constituency_counts"
    )
    ons_code = models.CharField(max_length=12, blank=True)
    signature_count = models.PositiveIntegerField(default=0)
    signature_count_online = models.PositiveIntegerField(default=0)
    signature_count_paper = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "ons_code"], name="constituency_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ons_code or 'not known'}: {self.signature_count}"


class SiteSwitches(models.Model):
    """Instance-wide kill switches (one row), beside each petition's own."""

    signing_paused = models.BooleanField(default=False)
    counting_paused = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "site switches"

    def __str__(self) -> str:
        return "Site switches"

    @classmethod
    def current(cls) -> SiteSwitches:
        switches, _ = cls.objects.get_or_create(pk=1)
        return switches
