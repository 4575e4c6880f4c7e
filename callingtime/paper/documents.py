"""What a printed document shows, as plain frozen dataclasses the PDF renderer draws.

Services build these from the models; `callingtime.paper.pdf` turns them into PDF bytes. The
renderer never touches the database, so it is tested and benchmarked on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PetitionWording:
    """The words every sheet repeats: what is asked, of whom, and what signers agree to."""

    campaign_title: str
    action: str
    background: str
    target: str
    hashtag: str
    organisation_names: tuple[str, ...]  # the data controllers
    privacy_contact: str
    declaration: str  # the UK-residence declaration
    opt_in: str  # the opt-in wording (updates need an e-mail)
    privacy_summary: str
    consent_version: str
    online_url: str  # the petition page, for people who would rather sign online
    closing_date: date


@dataclass(frozen=True)
class SheetSpec:
    """One numbered sheet: its id (printed, and in its QR code) and its place in the pack."""

    code: str  # e.g. "S000123-7": what a volunteer types or scans when keying
    number: int  # 1-based within the pack
    qr_payload: str  # the online petition URL carrying the sheet id, e.g. ".../?sheet=S000123-7"


@dataclass(frozen=True)
class PackDocument:
    """A whole pack: a cover letter to the requester, then the sheets."""

    wording: PetitionWording
    pack_reference: str  # e.g. "Pack 42"
    recipient_name: str  # '' for packs staff print for themselves
    recipient_address: tuple[str, ...]  # address lines, postcode last; () when none
    return_instructions: str
    rows_per_sheet: int
    sheets: tuple[SheetSpec, ...]
    prepared_on: date


@dataclass(frozen=True)
class DeliveryRow:
    """Counted signatures in one constituency ('' code = constituency not known)."""

    ons_code: str
    name: str
    online: int
    paper: int

    @property
    def total(self) -> int:
        return self.online + self.paper


@dataclass(frozen=True)
class DeliveryDocument:
    """The summary handed to the petition's target with the signatures."""

    wording: PetitionWording
    opened_on: date | None
    closed_on: date | None  # None while the petition is still open
    counted_until: str  # when the counts were last brought up to date, already formatted
    total_online: int
    total_paper: int
    rows: tuple[DeliveryRow, ...]  # largest total first
    prepared_on: date
