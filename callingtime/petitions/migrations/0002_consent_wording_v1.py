"""The first consent wording, so a new installation can take signatures at once."""

from django.db import migrations

DECLARATION = "I am a British citizen or UK resident."
OPT_IN = (
    "Keep me updated about this campaign by e-mail. I can unsubscribe at any time from any "
    "e-mail we send."
)
PRIVACY = (
    "The organisations running this campaign are the data controllers of what you give here. "
    "They use your name, e-mail and postcode to check and count your signature, and your "
    "postcode to count signatures by constituency. Your name and e-mail are never published. "
    "They are deleted six months after the petition closes; counts by constituency are kept."
)


def wording_create(apps, schema_editor):  # type: ignore[no-untyped-def]
    wording = apps.get_model("petitions", "ConsentWording")
    wording.objects.get_or_create(
        version="2026-12-v1",
        defaults={"declaration": DECLARATION, "opt_in": OPT_IN, "privacy_summary": PRIVACY},
    )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [migrations.RunPython(wording_create, migrations.RunPython.noop)]
