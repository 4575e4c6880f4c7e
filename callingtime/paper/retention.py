"""Forgetting the paper side of a petition with its signers: requesters' addresses, entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from callingtime.paper.models import Pack, SheetEntry
from callingtime.petitions.models import Petition

_PACK_BLANKED = {
    "requester_name": "",
    "requester_email": "",
    "address_line_1": "",
    "address_line_2": "",
    "town": "",
    "postcode": "",
    "note": "",
    "requested_from_ip": None,
}


def paper_anonymise(*, petition: Petition, now: datetime) -> int:
    """Blank pack requesters and keyed entries of the petition; return packs blanked."""
    SheetEntry.objects.filter(sheet__petition=petition).update(lines=[])
    return Pack.objects.filter(petition=petition, anonymised_at__isnull=True).update(
        **_PACK_BLANKED, anonymised_at=now
    )


def on_petition_anonymised(sender: Any, *, petition: Petition, now: datetime, **_: Any) -> None:
    """Receive petitions' signal: the paper data goes in the same transaction as the rest."""
    paper_anonymise(petition=petition, now=now)
