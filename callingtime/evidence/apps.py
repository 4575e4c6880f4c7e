from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """Public pages over the crime store and the geography: find an area, see what is loaded."""

    name = "callingtime.evidence"
    label = "evidence"
    verbose_name = "Evidence"
