from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared base of every callingtime app: site chrome, attribution, health."""

    name = "callingtime.core"
    label = "core"
    verbose_name = "callingtime core"
