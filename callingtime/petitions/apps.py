from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    """Petitions, signatures, counts and abuse controls."""

    name = "callingtime.petitions"
    label = "petitions"
    verbose_name = "Petitions"

    def ready(self) -> None:
        # A save in this process shows on its own sign pages at once; other processes cache
        # them for at most a second (selectors.petition_sign_page_get).
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from callingtime.campaigns.models import Campaign, Organisation
        from callingtime.petitions.models import ConsentWording, Petition
        from callingtime.petitions.selectors import sign_pages_forget

        for model in (Petition, Campaign, Organisation, ConsentWording):
            post_save.connect(sign_pages_forget, sender=model, dispatch_uid=f"sign-page-{model}")
            post_delete.connect(sign_pages_forget, sender=model, dispatch_uid=f"sign-del-{model}")
        m2m_changed.connect(
            sign_pages_forget, sender=Campaign.organisations.through, dispatch_uid="sign-page-orgs"
        )
