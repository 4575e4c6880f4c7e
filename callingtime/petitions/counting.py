"""The counter: one runner at a time applies one `+ n` per petition and constituency.

Rows are truth and counts are derived. Each run counts the signatures validated since the
petition's `counted_until` and up to a little before now (commit order is not timestamp
order, so the newest second is left for the next run), then checks milestones in the same
transaction. `petition_counts_reconcile` recounts from the rows and repairs any drift.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from callingtime.petitions.models import (
    ConstituencyCount,
    Milestone,
    Petition,
    Signature,
    SignatureSource,
    SignatureState,
    SiteSwitches,
)

# Any constant shared by every process; it names the counter's PostgreSQL advisory lock.
_COUNTER_LOCK_KEY = 0x43_54_43_4E  # "CTCN"


@dataclass(frozen=True)
class CountRun:
    """What one counter run did."""

    ran: bool
    until: datetime | None = None
    added: int = 0
    petitions: int = 0
    milestones_reached: tuple[tuple[int, int], ...] = ()
    reason: str = ""


@dataclass
class _Tally:
    online: int = 0
    paper: int = 0
    by_constituency: dict[str, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )

    def add(self, code: str, source: str, n: int) -> None:
        slot = 1 if source == SignatureSource.PAPER else 0
        if slot:
            self.paper += n
        else:
            self.online += n
        self.by_constituency[code][slot] += n


def _counter_lock() -> bool:
    """Take the counter's lock for this transaction; False when another runner holds it.

    On SQLite the IMMEDIATE transaction has already taken the database's single write lock.
    """
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_COUNTER_LOCK_KEY])
        row = cursor.fetchone()
    return bool(row and row[0])


def _tallies(rows: Iterable[Mapping[str, Any]]) -> dict[int, _Tally]:
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for row in rows:
        tallies[int(row["petition_id"])].add(
            str(row["constituency_code"]), str(row["source"]), int(row["n"])
        )
    return tallies


def _apply(petition_id: int, tally: _Tally, sign: int = 1) -> None:
    total = sign * (tally.online + tally.paper)
    Petition.objects.filter(pk=petition_id).update(
        signature_count=F("signature_count") + total,
        signature_count_online=F("signature_count_online") + sign * tally.online,
        signature_count_paper=F("signature_count_paper") + sign * tally.paper,
    )
    for code, (online, paper) in tally.by_constituency.items():
        ConstituencyCount.objects.get_or_create(petition_id=petition_id, ons_code=code)
        ConstituencyCount.objects.filter(petition_id=petition_id, ons_code=code).update(
            signature_count=F("signature_count") + sign * (online + paper),
            signature_count_online=F("signature_count_online") + sign * online,
            signature_count_paper=F("signature_count_paper") + sign * paper,
        )


def _milestones_check(petition_ids: list[int], now: datetime) -> list[tuple[int, int]]:
    reached: list[tuple[int, int]] = []
    counts = dict(Petition.objects.filter(pk__in=petition_ids).values_list("pk", "signature_count"))
    waiting = Milestone.objects.filter(petition_id__in=petition_ids, reached_at__isnull=True)
    for milestone in waiting:
        if counts.get(milestone.petition_id, 0) >= milestone.threshold:
            milestone.reached_at = now
            milestone.save(update_fields=["reached_at"])
            reached.append((milestone.petition_id, milestone.threshold))
    return reached


def petition_counts_update(*, now: datetime | None = None) -> CountRun:
    """Count newly validated signatures into every petition not paused; one runner at a time."""
    now = now or timezone.now()
    until = now - timedelta(seconds=settings.COUNT_LAG_SECONDS)
    with transaction.atomic():
        if not _counter_lock():
            return CountRun(ran=False, reason="another counter is running")
        if SiteSwitches.current().counting_paused:
            return CountRun(ran=False, reason="counting is paused for the whole site")
        petitions = Petition.objects.filter(counting_paused=False).filter(
            Q(counted_until__isnull=True) | Q(counted_until__lt=until)
        )
        rows = list(
            Signature.objects.filter(
                state=SignatureState.VALIDATED,
                validated_at__lte=until,
                petition__in=petitions,
            )
            .filter(
                Q(petition__counted_until__isnull=True)
                | Q(validated_at__gt=F("petition__counted_until"))
            )
            .values("petition_id", "constituency_code", "source")
            .annotate(n=Count("id"))
            .order_by()
        )
        tallies = _tallies(rows)
        for petition_id, tally in sorted(tallies.items()):
            _apply(petition_id, tally)
        advanced = petitions.update(counted_until=until)
        reached = _milestones_check(sorted(tallies), now)
    return CountRun(
        ran=True,
        until=until,
        added=sum(t.online + t.paper for t in tallies.values()),
        petitions=advanced,
        milestones_reached=tuple(reached),
    )


@dataclass(frozen=True)
class CountRepair:
    """One count that disagreed with the rows, and what it was set to."""

    petition_id: int
    ons_code: str | None  # None: the petition's own total
    was: int
    now: int


def petition_counts_reconcile(*, petition_id: int | None = None) -> list[CountRepair]:
    """Recount counted signatures from the rows and repair every count that drifted."""
    repairs: list[CountRepair] = []
    with transaction.atomic():
        if not _counter_lock():
            # Wait for the running counter rather than skip: reconcile is asked for explicitly.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_COUNTER_LOCK_KEY])
        petitions = Petition.objects.select_for_update().order_by("pk")
        if petition_id is not None:
            petitions = petitions.filter(pk=petition_id)
        for petition in petitions:
            repairs.extend(_reconcile_one(petition))
    return repairs


def _reconcile_one(petition: Petition) -> list[CountRepair]:
    repairs: list[CountRepair] = []
    counted = Signature.objects.filter(petition=petition, state=SignatureState.VALIDATED)
    if petition.counted_until is None:
        counted = counted.none()
    else:
        counted = counted.filter(validated_at__lte=petition.counted_until)
    tally = _tallies(
        list(
            counted.values("petition_id", "constituency_code", "source")
            .annotate(n=Count("id"))
            .order_by()
        )
    ).get(petition.pk, _Tally())
    total = tally.online + tally.paper
    if (
        petition.signature_count,
        petition.signature_count_online,
        petition.signature_count_paper,
    ) != (total, tally.online, tally.paper):
        repairs.append(CountRepair(petition.pk, None, petition.signature_count, total))
        Petition.objects.filter(pk=petition.pk).update(
            signature_count=total,
            signature_count_online=tally.online,
            signature_count_paper=tally.paper,
        )
    existing = {c.ons_code: c for c in ConstituencyCount.objects.filter(petition=petition)}
    for code in sorted(set(existing) | set(tally.by_constituency)):
        online, paper = tally.by_constituency.get(code, [0, 0])
        row = existing.get(code)
        if row is None:
            ConstituencyCount.objects.create(
                petition=petition,
                ons_code=code,
                signature_count=online + paper,
                signature_count_online=online,
                signature_count_paper=paper,
            )
            repairs.append(CountRepair(petition.pk, code, 0, online + paper))
        elif (row.signature_count, row.signature_count_online, row.signature_count_paper) != (
            online + paper,
            online,
            paper,
        ):
            repairs.append(CountRepair(petition.pk, code, row.signature_count, online + paper))
            row.signature_count = online + paper
            row.signature_count_online = online
            row.signature_count_paper = paper
            row.save(
                update_fields=[
                    "signature_count",
                    "signature_count_online",
                    "signature_count_paper",
                ]
            )
    return repairs
