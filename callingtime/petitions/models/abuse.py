"""Abuse controls: block lists, the hourly trending report and staff invalidations."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from callingtime.petitions.models.petition import Petition


class BlockKind(models.TextChoices):
    IP = "ip", "IP address"
    DOMAIN = "domain", "E-mail domain"
    EMAIL = "email", "E-mail address"


class BlockedItem(models.Model):
    """An IP, domain or (normalised) e-mail whose signatures are flagged silently."""

    kind = models.CharField(max_length=10, choices=BlockKind.choices)
    value = models.CharField(max_length=254)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="blocked_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class TrendingEntry(models.Model):
    """One line of the hourly report: an IP or domain among the fastest signers of a petition."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="trending")
    kind = models.CharField(max_length=10, choices=BlockKind.choices)
    value = models.CharField(max_length=254)
    signature_count = models.PositiveIntegerField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()

    class Meta:
        ordering = ["-window_end", "-signature_count"]
        indexes = [models.Index(fields=["petition", "window_end"], name="trending_idx")]

    def __str__(self) -> str:
        return f"{self.value}: {self.signature_count}"


class Invalidation(models.Model):
    """A staff invalidation by condition: what was asked, the dry-run count, what was applied."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="invalidations")
    conditions = models.JSONField()
    summary = models.CharField(max_length=300)
    matched_count = models.PositiveIntegerField(default=0)
    invalidated_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.summary
