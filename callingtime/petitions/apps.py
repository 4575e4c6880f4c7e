from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    """Petitions, signatures, counts and abuse controls."""

    name = "callingtime.petitions"
    label = "petitions"
    verbose_name = "Petitions"
