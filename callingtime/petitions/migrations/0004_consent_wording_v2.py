"""Consent wording v2: says what the petition's target receives when it is handed in.

Paper sheets print the wording too, and a delivery list may carry only what signers agreed to:
under v2, their names (with the constituency, which the public counts show anyway).
"""

from django.db import migrations

DECLARATION = "I am a British citizen or UK resident."
OPT_IN = (
    "Keep me updated about this campaign by e-mail. I can unsubscribe at any time from any "
    "e-mail we send."
)
PRIVACY = (
    "The organisations running this campaign are the data controllers of what you give here. "
    "They use your name, e-mail and postcode to check and count your signature, and your "
    "postcode to count signatures by constituency. When the petition is handed in, its target "
    "receives the names and constituencies of signers, never e-mail addresses, postcodes or "
    "addresses; nothing else is ever published. Your details are deleted six months after the "
    "petition closes; counts by constituency are kept."
)


def wording_create(apps, schema_editor):  # type: ignore[no-untyped-def]
    wording = apps.get_model("petitions", "ConsentWording")
    wording.objects.get_or_create(
        version="2026-12-v2",
        defaults={
            "declaration": DECLARATION,
            "opt_in": OPT_IN,
            "privacy_summary": PRIVACY,
            "delivery_fields": "name",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0003_paper_review_delivery")]

    operations = [migrations.RunPython(wording_create, migrations.RunPython.noop)]
