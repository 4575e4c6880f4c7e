from django.apps import AppConfig


class PaperConfig(AppConfig):
    name = "callingtime.paper"
    label = "paper"
    verbose_name = "Paper petitions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from callingtime.paper.retention import on_petition_anonymised
        from callingtime.petitions.retention import petition_anonymised

        petition_anonymised.connect(on_petition_anonymised, dispatch_uid="paper_anonymise")
