"""Organisations (the data controllers), their staff, and the campaigns they run."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """A staff member's role in one organisation; each is a Django group of the same name."""

    ADMIN = "admin", "Admin"
    ORGANISER = "organiser", "Organiser"
    DATA_ENTRY = "data_entry", "Data entry"
    ANALYST = "analyst", "Analyst (read-only)"


class Organisation(models.Model):
    """An MP's office, a councillor's or a community group: the controller of supporters' data."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    privacy_contact = models.CharField(
        max_length=300,
        help_text="How supporters reach the data controller, e.g. an address or e-mail.",
    )
    privacy_notice_url = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One staff member's role in one organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class Campaign(models.Model):
    """A campaign run by one or more organisations over one or more areas."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    demand = models.TextField(help_text="What the campaign asks for, in a sentence or two.")
    target = models.CharField(
        max_length=200, help_text="Who the campaign asks, e.g. the Home Secretary."
    )
    hashtag = models.CharField(max_length=60, blank=True, help_text="Without the #.")
    organisations = models.ManyToManyField(Organisation, related_name="campaigns")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        # The staff capabilities; each role's Django group holds a set of them (see roles.py).
        permissions = [
            ("view_supporter_data", "See supporters' personal data"),
            ("operate_petition", "Pause, invalidate, block and reconcile"),
            ("edit_campaign", "Create and edit campaigns and petitions"),
            ("key_paper", "Key in paper signatures and answers"),
            ("view_reports", "See counts, reports and analysis"),
            ("manage_staff", "Add and remove staff of the organisation"),
        ]

    def __str__(self) -> str:
        return self.title


class CampaignArea(models.Model):
    """One area a campaign covers, by its GSS code (a constituency, borough, BCU …)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=12)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="campaign_area_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
