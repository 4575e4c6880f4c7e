"""What the staff paper pages show: the overview, the pack queue, a sheet and its entries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from callingtime.paper.models import Pack, PackStatus, PaperSettings, Sheet, SheetState
from callingtime.paper.packs import paper_settings_get
from callingtime.petitions.models import Petition, Signature, SignatureSource, SignatureState

RECENT_SHEETS = 15


@dataclass(frozen=True)
class PaperOverview:
    """A petition's paper side at a glance; no personal data."""

    petition: Petition
    settings: PaperSettings
    packs_by_status: dict[str, int]
    sheets_by_state: dict[str, int]
    signatures_by_state: dict[str, int]
    recent_sheets: list[Sheet]
    waiting_second_entry: list[Sheet]
    mismatched: list[Sheet]

    @property
    def sheets_out(self) -> int:
        return sum(self.sheets_by_state.values())

    @property
    def held_for_review(self) -> int:
        return self.signatures_by_state.get(SignatureState.REVIEW, 0)


def paper_overview(*, petition: Petition) -> PaperOverview:
    """Return the petition's packs, sheets and paper signatures by state."""
    packs = dict(
        Pack.objects.filter(petition=petition)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    sheets = dict(
        Sheet.objects.filter(petition=petition)
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    signatures = dict(
        Signature.objects.filter(petition=petition, source=SignatureSource.PAPER)
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    keyed = Sheet.objects.filter(petition=petition).select_related("pack")
    return PaperOverview(
        petition=petition,
        settings=paper_settings_get(petition=petition),
        packs_by_status={s.value: packs.get(s.value, 0) for s in PackStatus},
        sheets_by_state={s.value: sheets.get(s.value, 0) for s in SheetState},
        signatures_by_state=signatures,
        recent_sheets=list(
            keyed.filter(state=SheetState.KEYED).order_by("-keyed_at")[:RECENT_SHEETS]
        ),
        waiting_second_entry=list(keyed.filter(state=SheetState.FIRST_ENTRY).order_by("pk")),
        mismatched=list(keyed.filter(state=SheetState.MISMATCH).order_by("pk")),
    )


def pack_queue(*, petition: Petition, status: str = "") -> QuerySet[Pack]:
    """Return the petition's packs, newest request first, optionally of one status."""
    packs = Pack.objects.filter(petition=petition).annotate(
        sheets_keyed=Count("sheets", filter=Q(sheets__state=SheetState.KEYED))
    )
    if status:
        packs = packs.filter(status=status)
    return packs.order_by("-requested_at", "-pk")


def petition_pack_get(*, petition: Petition, pack_id: int) -> Pack | None:
    """Return one of the petition's packs."""
    return (
        Pack.objects.select_related("petition__campaign", "consent")
        .filter(petition=petition, pk=pack_id)
        .first()
    )


def petition_sheet_get(*, petition: Petition, sheet_id: int) -> Sheet | None:
    """Return one of the petition's sheets with its pack."""
    return (
        Sheet.objects.select_related("pack", "petition")
        .filter(petition=petition, pk=sheet_id)
        .first()
    )
