"""The JSON API, in the shape of the UK Parliament petitions site (alphagov/e-petitions).

Tools written for petition.parliament.uk read ours unchanged: `links` and `data`, each petition
a `{"type": "petition", "id", "links", "attributes"}` with the same attribute names. We add
`closing_date`, the online/paper split, the campaign and the milestones. No personal data:
only counts leave here, never a signer's name, e-mail or postcode.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from callingtime.petitions.models import Milestone, Petition
from callingtime.petitions.selectors import ConstituencyRow, PetitionListPage

# We only take signatures from UK residents, so every signature counts under one country.
UK = {"name": "United Kingdom", "code": "GB"}


def api_time(moment: datetime | None) -> str | None:
    """Return a time as e-petitions writes it: UTC, milliseconds, a Z.

    >>> api_time(datetime(2019, 3, 21, 9, 30, tzinfo=UTC))
    '2019-03-21T09:30:00.000Z'
    """
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _url(base: str, name: str, petition_id: int) -> str:
    return base + reverse(name, kwargs={"petition_id": petition_id})


def petition_attributes(petition: Petition, *, base: str) -> dict[str, Any]:
    """Return the attributes every petition carries, in a list or alone."""
    campaign = petition.campaign
    return {
        "action": petition.action,
        "background": petition.background,
        "additional_details": petition.additional_details,
        "state": petition.public_state,
        "signature_count": petition.signature_count,
        "signature_count_online": petition.signature_count_online,
        "signature_count_paper": petition.signature_count_paper,
        "created_at": api_time(petition.created_at),
        "updated_at": api_time(petition.updated_at),
        "opened_at": api_time(petition.opened_at),
        "closed_at": api_time(petition.closed_at),
        "closing_date": petition.closing_date.isoformat(),
        "url": _url(base, "petitions:petition_detail", petition.pk),
        "sign_url": _url(base, "petitions:petition_sign", petition.pk),
        "count_url": _url(base, "petitions:petition_count_json", petition.pk),
        "campaign": {
            "title": campaign.title,
            "slug": campaign.slug,
            "demand": campaign.demand,
            "target": campaign.target,
            "hashtag": campaign.hashtag,
        },
    }


def _resource(petition: Petition, *, base: str) -> dict[str, Any]:
    return {
        "type": "petition",
        "id": petition.pk,
        "links": {"self": _url(base, "petitions:petition_json", petition.pk)},
        "attributes": petition_attributes(petition, base=base),
    }


def _list_url(base: str, state: str | None, number: int) -> str:
    query: dict[str, object] = {"page": number}
    if state is not None:
        query["state"] = state
    return base + reverse("petitions:petition_list_json") + "?" + urlencode(query)


def petition_list_json(
    page: PetitionListPage, *, base: str, self_url: str, state: str | None
) -> dict[str, Any]:
    """Return `petitions.json`: one page of petitions with first/last/next/prev links.

    `state` is the state the client asked for (None when it asked for none), kept in the links.
    """
    return {
        "links": {
            "self": self_url,
            "first": _list_url(base, state, 1),
            "last": _list_url(base, state, page.last),
            "next": _list_url(base, state, page.number + 1) if page.number < page.last else None,
            "prev": (
                _list_url(base, state, min(page.number - 1, page.last)) if page.number > 1 else None
            ),
        },
        "data": [_resource(petition, base=base) for petition in page.petitions],
    }


def _milestone(milestone: Milestone) -> dict[str, Any]:
    return {
        "threshold": milestone.threshold,
        "label": milestone.label,
        "reached_at": api_time(milestone.reached_at),
    }


def _constituency(row: ConstituencyRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "ons_code": row.ons_code,
        "mp": row.mp,
        "signature_count": row.signature_count,
        "signature_count_online": row.signature_count_online,
        "signature_count_paper": row.signature_count_paper,
    }


def petition_detail_json(
    petition: Petition,
    *,
    base: str,
    self_url: str,
    constituencies: list[ConstituencyRow],
    milestones: list[Milestone],
) -> dict[str, Any]:
    """Return `petitions/<id>.json`: the petition with its counts by constituency and country."""
    resource = _resource(petition, base=base)
    resource["attributes"].update(
        {
            "signatures_by_country": [{**UK, "signature_count": petition.signature_count}],
            "signatures_by_constituency": [_constituency(row) for row in constituencies],
            "milestones": [_milestone(m) for m in milestones],
        }
    )
    return {"links": {"self": self_url}, "data": resource}


def petition_count_json(petition: Petition) -> dict[str, int]:
    """Return `count.json`: the count alone, small enough to poll."""
    return {
        "signature_count": petition.signature_count,
        "signature_count_online": petition.signature_count_online,
        "signature_count_paper": petition.signature_count_paper,
    }
