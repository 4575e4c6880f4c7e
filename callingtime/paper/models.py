"""Paper packs, their numbered sheets, each keying of a sheet, and paper signatures' provenance.

A paper signature is an ordinary `Signature` row (source paper), so it is counted by the same
counter as online ones; `PaperSignature` says where it came from: pack, sheet, line, who keyed
it and when. Addresses written on the sheets are never keyed (data minimisation).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from callingtime.petitions.models import ConsentWording, Petition, Signature

ROWS_PER_SHEET_MIN = 10
ROWS_PER_SHEET_MAX = 25
ROWS_PER_SHEET_DEFAULT = 20
SHEETS_PER_REQUEST_MAX = 20
SHEETS_PER_PACK_MAX = 500


class PaperSettings(models.Model):
    """How one petition's paper side works: return instructions, sheet size, double entry."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="paper")
    requests_open = models.BooleanField(
        default=True, help_text="Whether the public may ask for a pack on the petition page."
    )
    return_instructions = models.TextField(
        max_length=2000,
        blank=True,
        help_text="Printed on every pack: where and by when to send the signed sheets.",
    )
    rows_per_sheet = models.PositiveSmallIntegerField(
        default=ROWS_PER_SHEET_DEFAULT,
        validators=[
            MinValueValidator(ROWS_PER_SHEET_MIN),
            MaxValueValidator(ROWS_PER_SHEET_MAX),
        ],
    )
    double_entry = models.BooleanField(
        default=False,
        help_text="Two people key every sheet; a line counts once both entries agree.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "paper settings"

    def __str__(self) -> str:
        return f"Paper settings of petition {self.petition_id}"


class PackStatus(models.TextChoices):
    """Where a pack is on its way out and back."""

    REQUESTED = "requested", "Requested"
    PRINTED = "printed", "Printed"
    POSTED = "posted", "Posted"
    RETURNED = "returned", "Returned"
    CANCELLED = "cancelled", "Cancelled"


class Pack(models.Model):
    """A bundle of numbered sheets, asked for by a volunteer or made by staff."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="paper_packs")
    status = models.CharField(
        max_length=10, choices=PackStatus.choices, default=PackStatus.REQUESTED
    )
    requester_name = models.CharField(max_length=100, blank=True)
    requester_email = models.CharField(max_length=254, blank=True)
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    note = models.TextField(max_length=500, blank=True)
    sheet_count = models.PositiveSmallIntegerField()
    rows_per_sheet = models.PositiveSmallIntegerField(default=ROWS_PER_SHEET_DEFAULT)
    # The wording printed on its sheets, which every signature keyed from them agreed to.
    consent = models.ForeignKey(ConsentWording, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_from_ip = models.GenericIPAddressField(null=True, blank=True)
    requested_at = models.DateTimeField(db_index=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"Pack {self.pk}"

    @property
    def reference(self) -> str:
        return f"Pack {self.pk}"

    @property
    def address_lines(self) -> tuple[str, ...]:
        lines = (self.address_line_1, self.address_line_2, self.town, self.postcode)
        return tuple(line for line in lines if line)


class SheetState(models.TextChoices):
    """How far a sheet's keying has come."""

    BLANK = "blank", "Not keyed"
    FIRST_ENTRY = "first_entry", "Keyed once, waiting for the second entry"
    MISMATCH = "mismatch", "Entries disagree, waiting to be resolved"
    KEYED = "keyed", "Keyed"


class Sheet(models.Model):
    """One numbered sheet of a pack; its code is printed on it and in its QR code."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="sheets")
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="paper_sheets")
    number = models.PositiveSmallIntegerField()
    # Set from the id right after the insert (the check digit needs the id); null until then.
    code = models.CharField(max_length=12, unique=True, null=True, blank=True)
    state = models.CharField(max_length=12, choices=SheetState.choices, default=SheetState.BLANK)
    signed_lines = models.PositiveSmallIntegerField(null=True, blank=True)
    keyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pack", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "number"], name="sheet_number_unique")
        ]

    def __str__(self) -> str:
        return self.code or f"Sheet {self.number} of pack {self.pack_id}"


class SheetEntry(models.Model):
    """One person's keying of one sheet: the lines as they typed them (cleaned)."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="entries")
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    keyed_at = models.DateTimeField()
    pass_number = models.PositiveSmallIntegerField(default=1)
    signed_lines = models.PositiveSmallIntegerField()
    # [{"line": 1, "name": ..., "postcode": ..., "email": ..., "opt_in": bool}, ...]
    lines = models.JSONField(default=list)

    class Meta:
        ordering = ["sheet", "pass_number"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "pass_number"], name="sheet_entry_unique")
        ]

    def __str__(self) -> str:
        return f"Entry {self.pass_number} of {self.sheet}"


class PaperSignature(models.Model):
    """Where a paper signature came from: its sheet and line, who keyed it, and when."""

    signature = models.OneToOneField(Signature, on_delete=models.CASCADE, related_name="paper")
    sheet = models.ForeignKey(Sheet, on_delete=models.PROTECT, related_name="signatures")
    line = models.PositiveSmallIntegerField()
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    keyed_at = models.DateTimeField()
    second_keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A possible duplicate is held for review; who decided and what it looked like.
    matched = models.ForeignKey(
        Signature, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sheet", "line"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "line"], name="paper_signature_line_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sheet} line {self.line}"
