"""One signature: what the signer gave, what consent they saw, and how it was judged."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from callingtime.petitions.models.petition import ConsentWording, Petition


class SignatureState(models.TextChoices):
    """Only validated signatures count. Fraudulent ones look confirmed to their signer."""

    PENDING = "pending", "Pending confirmation"
    VALIDATED = "validated", "Validated"
    DUPLICATE = "duplicate", "Duplicate"
    FRAUDULENT = "fraudulent", "Flagged as fraudulent"
    INVALIDATED = "invalidated", "Invalidated by staff"
    # A keyed paper line that looks like a signature already on the petition, until staff say.
    REVIEW = "review", "Held for review"


class SignatureSource(models.TextChoices):
    ONLINE = "online", "Online"
    PAPER = "paper", "Paper"


class Signature(models.Model):
    """A signature row. The request that signs writes exactly this one row and nothing else."""

    # A viral spike inserts a thousand of these a second, and each index and foreign-key
    # check is work in every one of those transactions (a third of PostgreSQL's share):
    # - the foreign keys have no indexes of their own: the composite indexes below start with
    #   the petition, and consent wordings and staff are looked up from the signature;
    # - the petition and consent keys are not checked by the database, whose check locks the
    #   one petition row in every signing transaction. Signing writes only ids it has just
    #   read, and Django applies on_delete (CASCADE, PROTECT) as before.
    petition = models.ForeignKey(
        Petition,
        on_delete=models.CASCADE,
        related_name="signatures",
        db_index=False,
        db_constraint=False,
    )
    source = models.CharField(
        max_length=10, choices=SignatureSource.choices, default=SignatureSource.ONLINE
    )
    state = models.CharField(
        max_length=12, choices=SignatureState.choices, default=SignatureState.PENDING
    )
    name = models.CharField(max_length=100)
    name_normalised = models.CharField(max_length=100)
    email = models.CharField(max_length=254, blank=True)
    email_normalised = models.CharField(max_length=254, blank=True)
    email_domain = models.CharField(max_length=254, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    # Set by the background processing from the local lookup; '' = not known.
    constituency_code = models.CharField(max_length=12, blank=True)
    uk_resident = models.BooleanField(default=False)
    opt_in = models.BooleanField(default=False)
    consent = models.ForeignKey(
        ConsentWording,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    share_channel = models.CharField(max_length=20, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    confirmation_emails_sent = models.PositiveSmallIntegerField(default=0)
    validated_at = models.DateTimeField(null=True, blank=True)
    flag_reason = models.CharField(max_length=40, blank=True)
    invalidated_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Paper provenance (issue of paper packs); empty for online signatures.
    keyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        indexes = [
            models.Index(fields=["petition", "email_normalised"], name="signature_email_idx"),
            models.Index(
                fields=["processed_at"],
                name="signature_unprocessed_idx",
                condition=models.Q(processed_at__isnull=True),
            ),
            # The counter reads validated signatures by time; a pending one is not in it yet.
            models.Index(
                fields=["state", "validated_at"],
                name="signature_validated_idx",
                condition=models.Q(validated_at__isnull=False),
            ),
            models.Index(fields=["ip_address", "created_at"], name="signature_ip_idx"),
            # Paper lines are matched by name and postcode when they carry no e-mail.
            models.Index(fields=["petition", "postcode"], name="signature_postcode_idx"),
            # An online signer is checked against the counted paper lines by name and postcode;
            # the few paper rows are all this holds, so online signing never touches it.
            models.Index(
                fields=["petition", "postcode", "name_normalised"],
                name="signature_paper_person_idx",
                condition=models.Q(source="paper"),
            ),
            # Only paper signatures have a keyer, so online signing never touches this one.
            models.Index(
                fields=["keyed_by"],
                name="signature_keyed_by_idx",
                condition=models.Q(keyed_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Signature {self.pk} on petition {self.petition_id}"
