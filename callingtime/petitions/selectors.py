"""Reads for the public petition pages, the sign page and the JSON API.

The public never sees a draft. Counts are the counter's (derived, never summed here); names
and MPs come from the geography store, and without it the counts are shown by code.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from callingtime.campaigns.models import Organisation
from callingtime.core.recent import RecentValues
from callingtime.core.stores import GEOGRAPHY_NOT_LOADED, GeographyNotLoadedError, areas_store
from callingtime.petitions.models import (
    ConsentWording,
    ConstituencyCount,
    Milestone,
    Petition,
    PetitionState,
)
from callingtime.petitions.models.petition import UNKNOWN_CONSTITUENCY
from callingtime.petitions.share import ShareLink, share_links
from callingtime.petitions.signing import (
    NO_CONSENT_WORDING,
    SIGNING_CLOSED,
    SIGNING_CONTEXT_SECONDS,
    SIGNING_PAUSED,
    consent_current,
    forget_with_signing_context,
    signing_context,
)

PAGE_SIZE = 50
# Larger ids cannot be stored, and SQLite raises rather than finding nothing.
_MAX_ID = 2**63 - 1
MAP_BANDS = 5
CONSTITUENCY_NOT_KNOWN = "Constituency not known"
GEOGRAPHY_MISSING_NOTE = (
    "Constituency names, MPs and the map are not available yet: this site has not loaded its "
    "geography. The counts below are by constituency code."
)
MAP_ATTRIBUTION = (
    "Boundaries: Office for National Statistics, OGL v3.0; contains OS data © Crown copyright "
    "and database right."
)

__all__ = ["GEOGRAPHY_NOT_LOADED", "GeographyNotLoadedError"]


def petition_is_public(petition: Petition) -> bool:
    """Whether the public may see a petition: any but a draft (as `petition_public_get`)."""
    return petition.state != PetitionState.DRAFT


def petition_public_get(*, petition_id: int) -> Petition | None:
    """Return a petition the public may see (any but a draft), with its campaign."""
    if not 0 < petition_id <= _MAX_ID:
        return None
    return (
        Petition.objects.select_related("campaign")
        .exclude(state=PetitionState.DRAFT)
        .filter(pk=petition_id)
        .first()
    )


def petition_counts_public_get(*, petition_id: int) -> Petition | None:
    """Return only the counts (and their dates) of a public petition: `count.json` is polled."""
    if not 0 < petition_id <= _MAX_ID:
        return None
    return (
        Petition.objects.exclude(state=PetitionState.DRAFT)
        .filter(pk=petition_id)
        .only(
            "signature_count",
            "signature_count_online",
            "signature_count_paper",
            "counted_until",
            "updated_at",
        )
        .first()
    )


def petitions_public(*, state: str) -> QuerySet[Petition]:
    """Return the public petitions in a public state ('open', 'closed' or 'all'), busiest first.

    A petition past its closing date is closed to the public even before staff close it.
    """
    today = timezone.localdate()
    petitions = Petition.objects.select_related("campaign").exclude(state=PetitionState.DRAFT)
    if state == "open":
        petitions = petitions.filter(state=PetitionState.OPEN, closing_date__gte=today)
    elif state == "closed":
        petitions = petitions.filter(
            Q(state=PetitionState.CLOSED) | Q(state=PetitionState.OPEN, closing_date__lt=today)
        )
    return petitions.order_by("-signature_count", "-pk")


@dataclass(frozen=True)
class PetitionListPage:
    """One page of public petitions: the rows, this page's number, the last page and the total."""

    petitions: list[Petition]
    number: int
    last: int
    total: int


def petitions_public_page(*, state: str, number: int) -> PetitionListPage:
    """Return page `number` (from 1) of the public petitions in a state; empty past the last."""
    petitions = petitions_public(state=state)
    total = petitions.count()
    last = max(1, math.ceil(total / PAGE_SIZE))
    rows: list[Petition] = []
    if 1 <= number <= last:
        start = (number - 1) * PAGE_SIZE
        rows = list(petitions[start : start + PAGE_SIZE])
    return PetitionListPage(petitions=rows, number=number, last=last, total=total)


def petition_milestones(*, petition: Petition) -> list[Milestone]:
    """Return a petition's milestones, lowest first."""
    return list(Milestone.objects.filter(petition=petition).order_by("threshold"))


@dataclass(frozen=True)
class MilestoneProgress:
    """The milestones reached and how far the count is towards the next one."""

    reached: list[Milestone]
    next: Milestone | None
    percent: int
    remaining: int


def milestone_progress(*, petition: Petition, milestones: list[Milestone]) -> MilestoneProgress:
    """Return the progress of a petition towards its next milestone (the counter marks each)."""
    reached = [m for m in milestones if m.reached_at is not None]
    waiting = [m for m in milestones if m.reached_at is None]
    upcoming = waiting[0] if waiting else None
    count = petition.signature_count
    if upcoming is None:
        return MilestoneProgress(reached, None, 100, 0)
    percent = min(100, count * 100 // upcoming.threshold) if upcoming.threshold else 100
    return MilestoneProgress(reached, upcoming, percent, max(0, upcoming.threshold - count))


@dataclass(frozen=True)
class ConstituencyRow:
    """Signatures counted in one constituency ('' = not known), with its name and MP."""

    ons_code: str
    name: str
    mp: str | None
    signature_count: int
    signature_count_online: int
    signature_count_paper: int


@dataclass(frozen=True)
class ConstituencyTable:
    """Every constituency with signatures, most first, the not-known row last."""

    rows: list[ConstituencyRow]
    geography_loaded: bool


def _names_and_mps(codes: list[str]) -> dict[str, tuple[str, str | None]] | None:
    try:
        with areas_store() as store:
            found: dict[str, tuple[str, str | None]] = {}
            for code in codes:
                area = store.areas.get(code)
                mp = store.mp_get(code)
                if area is not None:
                    found[code] = (area.name, mp.name if mp else None)
            return found
    except GeographyNotLoadedError:
        return None


def petition_count_by_constituency(*, petition: Petition) -> ConstituencyTable:
    """Return a petition's counts by constituency, named from the geography when it is loaded."""
    counts = list(
        ConstituencyCount.objects.filter(petition=petition, signature_count__gt=0).values_list(
            "ons_code", "signature_count", "signature_count_online", "signature_count_paper"
        )
    )
    known = sorted({code for code, *_ in counts if code != UNKNOWN_CONSTITUENCY})
    names = _names_and_mps(known)
    rows = []
    for code, total, online, paper in counts:
        if code == UNKNOWN_CONSTITUENCY:
            name, mp = CONSTITUENCY_NOT_KNOWN, None
        else:
            name, mp = (names or {}).get(code, (code, None))
        rows.append(ConstituencyRow(code, name, mp, total, online, paper))
    rows.sort(key=lambda r: (r.ons_code == UNKNOWN_CONSTITUENCY, -r.signature_count, r.name))
    return ConstituencyTable(rows=rows, geography_loaded=names is not None)


@dataclass(frozen=True)
class PetitionPage:
    """Everything the public petition page shows."""

    petition: Petition
    progress: MilestoneProgress
    constituencies: ConstituencyTable
    share: list[ShareLink]
    petition_url: str
    via: str

    @property
    def geography_note(self) -> str | None:
        return None if self.constituencies.geography_loaded else GEOGRAPHY_MISSING_NOTE

    @property
    def paper_shown(self) -> bool:
        return self.petition.signature_count_paper > 0


def petition_page(
    *, petition: Petition, milestones: list[Milestone], petition_url: str, via: str
) -> PetitionPage:
    """Return the public page of a petition; `petition_url` is its absolute address."""
    return PetitionPage(
        petition=petition,
        progress=milestone_progress(petition=petition, milestones=milestones),
        constituencies=petition_count_by_constituency(petition=petition),
        share=share_links(
            petition_url=petition_url,
            action=petition.action,
            hashtag=petition.campaign.hashtag,
        ),
        petition_url=petition_url,
        via=via,
    )


# --- The map: constituency boundaries, parsed once per geography file.

_geometry_lock = threading.Lock()
_geometries: dict[tuple[str, int, str], Any] = {}
_GEOMETRY_CACHE_LIMIT = 2000


def _geometry(store: Any, stamp: int, code: str) -> Any:
    key = (str(store.path), stamp, code)
    with _geometry_lock:
        if key in _geometries:
            return _geometries[key]
    text = store.boundary_geojson(code)
    geometry = json.loads(text) if text else None
    with _geometry_lock:
        if len(_geometries) >= _GEOMETRY_CACHE_LIMIT:
            _geometries.clear()
        _geometries[key] = geometry
    return geometry


def count_breaks(values: list[int], bands: int = MAP_BANDS) -> list[int]:
    """Return the upper bounds of up to `bands` quantile classes of counts, distinct, ascending.

    >>> count_breaks([1, 1, 2, 3, 5, 8, 13, 21, 34, 55])
    [1, 3, 8, 21, 55]
    """
    ordered = sorted(values)
    breaks: list[int] = []
    for index in range(1, bands + 1):
        if not ordered:
            break
        value = ordered[min(len(ordered) - 1, math.ceil(index * len(ordered) / bands) - 1)]
        if not breaks or value > breaks[-1]:
            breaks.append(value)
    return breaks


def _band(count: int, breaks: list[int]) -> int | None:
    if count <= 0 or not breaks:
        return None
    return next((band for band, high in enumerate(breaks) if count <= high), len(breaks) - 1)


def _legend(breaks: list[int]) -> list[dict[str, Any]]:
    legend, low = [], 1
    for band, high in enumerate(breaks):
        label = f"{low:,}" if low == high else f"{low:,} to {high:,}"
        unit = "signature" if high == 1 else "signatures"
        legend.append({"band": band, "low": low, "high": high, "label": f"{label} {unit}"})
        low = high + 1
    return legend


def campaign_areas(*, petition: Petition) -> list[tuple[str, str]]:
    """Return (code, type) of every area the petition's campaign covers."""
    return list(petition.campaign.areas.order_by("code").values_list("code", "type"))


def _campaign_constituencies(store: Any, areas: list[tuple[str, str]]) -> list[str]:
    codes: list[str] = []
    for code, kind in areas:
        if kind == "constituency":
            codes.append(code)
        else:
            codes.extend(a.code for a in store.area_children_cached(code, "constituency"))
    return codes


def petition_map_geojson(
    *, petition: Petition, areas: list[tuple[str, str]], stamp: int
) -> dict[str, Any]:
    """Return the constituencies with signatures, and the campaign's, as a FeatureCollection.

    `areas` are the campaign's (from `campaign_areas`); `stamp` names the geography file.
    Raises GeographyNotLoadedError when there is no geography to draw.
    """
    counts = dict(
        ConstituencyCount.objects.filter(petition=petition, signature_count__gt=0)
        .exclude(ons_code=UNKNOWN_CONSTITUENCY)
        .values_list("ons_code", "signature_count")
    )
    with areas_store() as store:
        campaign = set(_campaign_constituencies(store, areas))
        breaks = count_breaks(list(counts.values()))
        features = []
        for code in sorted(set(counts) | campaign):
            geometry = _geometry(store, stamp, code)
            area = store.areas.get(code)
            if geometry is None or area is None:
                continue
            mp = store.mp_get(code)
            count = counts.get(code, 0)
            properties = {
                "code": code,
                "name": area.name,
                "mp": mp.name if mp else None,
                "signature_count": count,
                "band": _band(count, breaks),
                "in_campaign": code in campaign,
            }
            features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {
        "type": "FeatureCollection",
        "features": features,
        "legend": _legend(breaks),
        "attribution": MAP_ATTRIBUTION,
    }


# --- The sign page.


def petition_signing_problem(*, petition: Petition) -> str | None:
    """Return why the petition cannot take a signature now (the message signing gives), or None.

    Read from the same per-second signing context as `signature_create`, so the form is not
    offered when the POST would be refused.
    """
    context = signing_context(petition_id=petition.pk)
    if not context.is_open:
        return SIGNING_CLOSED
    if context.paused:
        return SIGNING_PAUSED
    if context.consent_id is None:
        return NO_CONSENT_WORDING
    return None


@dataclass(frozen=True)
class SignPage:
    """What the sign page shows beside the form: the wording and the data controllers."""

    petition: Petition
    consent: ConsentWording | None
    organisations: list[Organisation]
    problem: str | None


def petition_sign_page(*, petition: Petition, problem: str | None = None) -> SignPage:
    """Return the sign page of a petition; `problem` overrides the signing check's."""
    return SignPage(
        petition=petition,
        consent=consent_current(),
        organisations=list(petition.campaign.organisations.order_by("name")),
        problem=problem or petition_signing_problem(petition=petition),
    )


# The sign page is the GET a spike multiplies, and no CDN can keep it: it carries each
# visitor's CSRF token. Its petition, wording and data controllers (or that there is no such
# petition) are read at most once a second per process, like the signing context; saves in
# this process drop them at once.
_sign_pages: RecentValues[int, SignPage | None] = RecentValues(SIGNING_CONTEXT_SECONDS)


def _sign_page_read(petition_id: int) -> SignPage | None:
    petition = petition_public_get(petition_id=petition_id)
    return petition_sign_page(petition=petition) if petition is not None else None


def _sign_page_recent(petition_id: int) -> SignPage | None:
    """The cached sign page, read again when it is a second old; its problem line is stale."""
    return _sign_pages.get(petition_id, _sign_page_read)


def petition_sign_page_get(*, petition_id: int, problem: str | None = None) -> SignPage | None:
    """Return the sign page of a petition the public may see, or None; read at most once a
    second per process. `problem` overrides the signing check's, which is never cached here."""
    page = _sign_page_recent(petition_id)
    if page is None:
        return None
    return replace(page, problem=problem or petition_signing_problem(petition=page.petition))


def petition_public_recent(*, petition_id: int) -> Petition | None:
    """Return a petition the public may see, with its campaign, as read at most a second ago.

    For the pages every signer loads on the way through (the "check your e-mail" page after
    the sign POST): the petition the sign page read, not a query each.
    """
    page = _sign_page_recent(petition_id)
    return page.petition if page is not None else None


def sign_pages_forget(**_signal: object) -> None:
    """Drop every cached sign page (a signal receiver too: it ignores the signal's arguments)."""
    _sign_pages.clear()


forget_with_signing_context(sign_pages_forget)
