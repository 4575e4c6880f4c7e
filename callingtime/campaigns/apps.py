from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """Organisations, staff roles and campaigns."""

    name = "callingtime.campaigns"
    label = "campaigns"
    verbose_name = "Campaigns"
