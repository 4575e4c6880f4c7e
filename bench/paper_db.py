"""Database questions the paper benchmark asks, run in a subprocess with the run's settings.

python bench/paper_db.py keyers PETITION N PASSWORD | sheets PACK | paper-rows PETITION
    | online-rows PETITION
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from callingtime.campaigns.models import Membership, Role
    from callingtime.paper.models import Sheet
    from callingtime.petitions.models import Petition, Signature, SignatureSource

    question, *rest = argv
    if question == "keyers":
        petition = Petition.objects.get(pk=int(rest[0]))
        organisation = petition.campaign.organisations.first()
        for n in range(int(rest[1])):
            user, _ = get_user_model().objects.get_or_create(username=f"bench-keyer-{n}")
            user.set_password(rest[2])
            user.save()
            Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": Role.DATA_ENTRY}
            )
            print(user.username)
    elif question == "sheets":
        for pk in (
            Sheet.objects.filter(pack_id=int(rest[0]))
            .order_by("number")
            .values_list("pk", flat=True)
        ):
            print(pk)
    elif question in ("paper-rows", "online-rows"):
        source = SignatureSource.PAPER if question == "paper-rows" else SignatureSource.ONLINE
        print(Signature.objects.filter(petition_id=int(rest[0]), source=source).count())
    else:
        print(f"unknown question {question!r}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
