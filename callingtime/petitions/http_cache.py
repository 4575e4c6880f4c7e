"""HTTP caching of the public reads, so a CDN in front absorbs the crowd on a viral petition.

Every public read carries `Cache-Control: public` with `max-age` = the counter's interval (a
page can be no fresher than the count), `stale-while-revalidate` and `stale-if-error`, an ETag
and a Last-Modified, and answers 304 to a matching conditional request. Validators come from
the row the view already read: no query is spent on them.

The ETag leaves out `counted_until`, which the counter moves on every run even when nothing was
counted, so an unchanged page keeps its ETag; Last-Modified includes it, because a count may
have changed at that moment. Counts by constituency move with the total, so the total stands
for them (a reconcile that only moves counts between constituencies shows at the next count).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from callingtime import __version__
from callingtime.petitions.models import Milestone, Petition

STALE_WHILE_REVALIDATE_SECONDS = 60
STALE_IF_ERROR_SECONDS = 86_400
PRIVATE_NO_STORE = "private, no-store"


@dataclass(frozen=True)
class Validators:
    """What a conditional request is checked against: an ETag and a Last-Modified time."""

    etag: str
    last_modified: datetime | None


def public_cache_control() -> str:
    """Return the Cache-Control of every public read."""
    return (
        f"public, max-age={settings.COUNT_INTERVAL_SECONDS}, "
        f"stale-while-revalidate={STALE_WHILE_REVALIDATE_SECONDS}, "
        f"stale-if-error={STALE_IF_ERROR_SECONDS}"
    )


def geography_stamp() -> int:
    """Return the geography file's modification time (0 when absent): names and maps use it."""
    try:
        return Path(settings.AREAS_DB_PATH).stat().st_mtime_ns
    except OSError:
        return 0


def _etag(parts: Iterable[object]) -> str:
    digest = hashlib.sha256(repr((__version__, *parts)).encode()).hexdigest()
    return f'"{digest[:32]}"'


def _petition_parts(petition: Petition) -> tuple[object, ...]:
    campaign = petition.campaign
    return (
        petition.pk,
        petition.updated_at,
        petition.public_state,
        petition.signing_paused,
        petition.signature_count,
        petition.signature_count_online,
        petition.signature_count_paper,
        campaign.title,
        campaign.hashtag,
        campaign.target,
    )


def _petition_modified(petition: Petition) -> datetime:
    if petition.counted_until and petition.counted_until > petition.updated_at:
        return petition.counted_until
    return petition.updated_at


def petition_validators(
    petition: Petition, *variant: object, milestones: Iterable[Milestone] = ()
) -> Validators:
    """Return the validators of one petition's page or document (`variant` tells them apart).

    The petition must have been read with its campaign (`select_related("campaign")`). Pass
    the milestones a page shows: staff may add one without saving the petition.
    """
    shown = [(m.threshold, m.label, m.reached_at) for m in milestones]
    return Validators(
        etag=_etag((*variant, *_petition_parts(petition), shown)),
        last_modified=_petition_modified(petition),
    )


def petition_count_validators(petition: Petition) -> Validators:
    """Return the validators of `count.json`, which reads only the counts."""
    return Validators(
        etag=_etag(
            (
                "count",
                petition.pk,
                petition.signature_count,
                petition.signature_count_online,
                petition.signature_count_paper,
            )
        ),
        last_modified=_petition_modified(petition),
    )


def petitions_validators(petitions: Iterable[Petition], *variant: object) -> Validators:
    """Return the validators of a list of petitions (read with their campaigns)."""
    rows = list(petitions)
    parts = [_petition_parts(p) for p in rows]
    modified = max((_petition_modified(p) for p in rows), default=None)
    return Validators(etag=_etag((*variant, *parts)), last_modified=modified)


def public_response(
    request: HttpRequest, validators: Validators, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """Return 304 when the client's copy is current, else `render()` with the cache headers."""
    headers = {"Cache-Control": public_cache_control(), "ETag": validators.etag}
    if validators.last_modified is not None:
        headers["Last-Modified"] = http_date(validators.last_modified.timestamp())
    probe = HttpResponse(headers=headers)
    modified = int(validators.last_modified.timestamp()) if validators.last_modified else None
    conditional = get_conditional_response(
        request, etag=validators.etag, last_modified=modified, response=probe
    )
    if conditional is not None and conditional is not probe:
        return conditional
    response = render()
    if 200 <= response.status_code < 300:
        for name, value in headers.items():
            response[name] = value
    return response


def private_no_store(response: HttpResponse) -> HttpResponse:
    """Mark a response (a form, a confirmation) as never to be stored by any cache."""
    response["Cache-Control"] = PRIVATE_NO_STORE
    return response
