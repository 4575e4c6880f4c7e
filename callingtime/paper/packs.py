"""Paper packs: asking for one, making one, moving packs through the post, printing them.

A pack's sheets are numbered and get their ids when the pack is made, so a sheet that comes
back can always be traced to its pack (and its requester) and keyed once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from callingtime.campaigns.roles import User
from callingtime.paper.documents import PackDocument, PetitionWording, SheetSpec
from callingtime.paper.models import (
    SHEETS_PER_PACK_MAX,
    Pack,
    PackStatus,
    PaperSettings,
    Sheet,
)
from callingtime.paper.sheet_codes import sheet_code
from callingtime.petitions.models import ConsentWording, Petition
from callingtime.petitions.signing import consent_current

logger = logging.getLogger(__name__)

REQUESTS_CLOSED = "This petition is not taking requests for paper packs."
PETITION_NOT_OPEN = "This petition is closed, so it no longer needs paper signatures."
TOO_MANY_REQUESTS = (
    "Several packs have already been asked for from your connection in the last hour. "
    "Please try again later, or write to the campaign."
)
NO_CONSENT_WORDING = "No consent wording is set up, so no sheets can be printed yet."
TOO_MANY_SHEETS = f"A pack holds at most {SHEETS_PER_PACK_MAX} sheets."
# Requests per connection per hour: a volunteer asks once; a script asks hundreds of times.
REQUESTS_PER_IP_PER_HOUR = 3

# A pack only moves forward (steps may be skipped: a pack can come back before anyone marked
# it posted); it can be cancelled until it has come back.
_ORDER = [PackStatus.REQUESTED, PackStatus.PRINTED, PackStatus.POSTED, PackStatus.RETURNED]


def _may_move(current: str, status: str) -> bool:
    if current in (PackStatus.RETURNED, PackStatus.CANCELLED):
        return False
    if status == PackStatus.CANCELLED:
        return True
    return _ORDER.index(PackStatus(status)) > _ORDER.index(PackStatus(current))


_DATE_FIELD: dict[str, str] = {
    PackStatus.PRINTED: "printed_at",
    PackStatus.POSTED: "posted_at",
    PackStatus.RETURNED: "returned_at",
    PackStatus.CANCELLED: "cancelled_at",
}


class PackError(Exception):
    """A pack could not be made or changed; the message is for the person asking."""


@dataclass(frozen=True)
class PackRequestDetails:
    """What a volunteer gives when asking for a pack (cleaned by the form)."""

    name: str
    email: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    sheet_count: int
    note: str


@dataclass(frozen=True)
class StatusChange:
    """What a bulk status change did."""

    changed: int
    skipped: int  # packs already past that status, or cancelled


def paper_settings_get(*, petition: Petition) -> PaperSettings:
    """Return the petition's paper settings, made with the defaults the first time."""
    settings_row, _ = PaperSettings.objects.get_or_create(petition=petition)
    return settings_row


def paper_settings_update(
    *,
    petition: Petition,
    requests_open: bool,
    return_instructions: str,
    rows_per_sheet: int,
    double_entry: bool,
) -> PaperSettings:
    """Change how the petition's paper side works; packs already made keep their sheet size."""
    settings_row = paper_settings_get(petition=petition)
    settings_row.requests_open = requests_open
    settings_row.return_instructions = return_instructions
    settings_row.rows_per_sheet = rows_per_sheet
    settings_row.double_entry = double_entry
    settings_row.full_clean()
    settings_row.save()
    return settings_row


def _pack_create(
    *,
    petition: Petition,
    sheet_count: int,
    now: datetime,
    **fields: object,
) -> Pack:
    if not 1 <= sheet_count <= SHEETS_PER_PACK_MAX:
        raise PackError(TOO_MANY_SHEETS)
    consent = consent_current()
    if consent is None:
        raise PackError(NO_CONSENT_WORDING)
    paper = paper_settings_get(petition=petition)
    with transaction.atomic():
        pack = Pack.objects.create(
            petition=petition,
            sheet_count=sheet_count,
            rows_per_sheet=paper.rows_per_sheet,
            consent=consent,
            requested_at=now,
            **fields,
        )
        sheets = Sheet.objects.bulk_create(
            [Sheet(pack=pack, petition=petition, number=n) for n in range(1, sheet_count + 1)]
        )
        if any(sheet.pk is None for sheet in sheets):  # backends without RETURNING
            sheets = list(pack.sheets.order_by("number"))
        for sheet in sheets:
            sheet.code = sheet_code(sheet.pk)
        Sheet.objects.bulk_update(sheets, ["code"])
    return pack


def pack_request_create(
    *,
    petition: Petition,
    details: PackRequestDetails,
    ip_address: str | None,
    now: datetime | None = None,
) -> Pack:
    """Record a volunteer's request for a pack and queue the e-mail that acknowledges it."""
    now = now or timezone.now()
    paper = paper_settings_get(petition=petition)
    if not petition.is_open:
        raise PackError(PETITION_NOT_OPEN)
    if not paper.requests_open:
        raise PackError(REQUESTS_CLOSED)
    if ip_address:
        recent = Pack.objects.filter(
            requested_from_ip=ip_address, requested_at__gte=now - timedelta(hours=1)
        ).count()
        if recent >= REQUESTS_PER_IP_PER_HOUR:
            raise PackError(TOO_MANY_REQUESTS)
    pack = _pack_create(
        petition=petition,
        sheet_count=details.sheet_count,
        now=now,
        requester_name=details.name,
        requester_email=details.email,
        address_line_1=details.address_line_1,
        address_line_2=details.address_line_2,
        town=details.town,
        postcode=details.postcode,
        note=details.note,
        requested_from_ip=ip_address,
    )
    from callingtime.paper.tasks import pack_request_email_task  # the task module imports this one

    transaction.on_commit(lambda: pack_request_email_task.enqueue(pack.pk))
    logger.info("paper pack %d requested for petition %d", pack.pk, petition.pk)
    return pack


def pack_create_for_staff(
    *, petition: Petition, user: User | None, sheet_count: int, note: str = ""
) -> Pack:
    """Make a pack for the campaign to print itself (no requester); it starts as printed."""
    now = timezone.now()
    return _pack_create(
        petition=petition,
        sheet_count=sheet_count,
        now=now,
        note=note,
        created_by=user,
        status=PackStatus.PRINTED,
        printed_at=now,
    )


def packs_status_set(
    *, petition: Petition, pack_ids: list[int], status: str, now: datetime | None = None
) -> StatusChange:
    """Move the chosen packs on to `status`, dating the change; others are left as they are."""
    if status not in _DATE_FIELD:
        raise PackError(f"“{status}” is not a status a pack can be moved to.")
    now = now or timezone.now()
    changed = 0
    with transaction.atomic():
        packs = Pack.objects.select_for_update().filter(petition=petition, pk__in=pack_ids)
        for pack in packs:
            if not _may_move(pack.status, status):
                continue
            pack.status = status
            setattr(pack, _DATE_FIELD[status], now)
            # Posting a pack that was never marked printed: it was printed by then.
            if status in (PackStatus.POSTED, PackStatus.RETURNED) and pack.printed_at is None:
                pack.printed_at = now
            pack.save(
                update_fields=["status", "printed_at", "posted_at", "returned_at", "cancelled_at"]
            )
            changed += 1
    return StatusChange(changed=changed, skipped=len(set(pack_ids)) - changed)


def petition_wording(
    *, petition: Petition, consent: ConsentWording, site_url: str
) -> PetitionWording:
    """Return the words every sheet of the petition repeats, under one consent wording."""
    campaign = petition.campaign
    organisations = list(campaign.organisations.order_by("name"))
    return PetitionWording(
        campaign_title=campaign.title,
        action=petition.action,
        background=petition.background,
        target=campaign.target,
        hashtag=campaign.hashtag,
        organisation_names=tuple(o.name for o in organisations),
        privacy_contact="; ".join(o.privacy_contact for o in organisations if o.privacy_contact),
        declaration=consent.declaration,
        opt_in=consent.opt_in,
        privacy_summary=consent.privacy_summary,
        consent_version=consent.version,
        online_url=f"{site_url}/petitions/{petition.pk}/",
        closing_date=petition.closing_date,
    )


def pack_document(*, pack: Pack, site_url: str) -> PackDocument:
    """Return what the pack's PDF shows: the cover letter and every numbered sheet."""
    petition = pack.petition
    wording = petition_wording(petition=petition, consent=pack.consent, site_url=site_url)
    paper = paper_settings_get(petition=petition)
    sheets = tuple(
        SheetSpec(
            code=sheet.code or "",
            number=sheet.number,
            qr_payload=f"{wording.online_url}?sheet={sheet.code}",
        )
        for sheet in pack.sheets.order_by("number")
    )
    return PackDocument(
        wording=wording,
        pack_reference=pack.reference,
        recipient_name=pack.requester_name,
        recipient_address=pack.address_lines,
        return_instructions=paper.return_instructions,
        rows_per_sheet=pack.rows_per_sheet,
        sheets=sheets,
        prepared_on=timezone.localdate(),
    )


def pack_pdf_render(*, pack: Pack, site_url: str) -> bytes:
    """Return the pack as a printable PDF."""
    from callingtime.paper.pdf import pack_pdf  # WeasyPrint loads slowly

    return pack_pdf(pack_document(pack=pack, site_url=site_url))
