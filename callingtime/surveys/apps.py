from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "callingtime.surveys"
    label = "surveys"
    verbose_name = "Resident surveys"
