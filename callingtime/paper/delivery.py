"""The delivery pack for a petition's target: a PDF summary and a CSV of signatures.

The CSV carries only what signers agreed the target may receive: the consent wording each
signed under lists those fields (`ConsentWording.delivery_fields`), so a name appears only
for signers whose wording said it would be handed over.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.utils import timezone

from callingtime.paper.documents import DeliveryDocument, DeliveryRow
from callingtime.paper.packs import petition_wording
from callingtime.petitions.exports import BYTE_ORDER_MARK, cell_safe
from callingtime.petitions.models import Petition, Signature, SignatureState
from callingtime.petitions.selectors import petition_count_by_constituency
from callingtime.petitions.signing import consent_current

DELIVERY_HEADER = ("number", "name", "constituency_code", "constituency", "source", "signed_on")
NAME_WITHHELD = "(not shared: signed under wording {version})"


class _Line:
    def __init__(self) -> None:
        self.value = ""

    def write(self, text: str) -> None:
        self.value = text


def delivery_document(*, petition: Petition, site_url: str) -> DeliveryDocument:
    """Return the summary the target receives: totals by constituency, online and paper."""
    consent = consent_current()
    if consent is None:
        raise ValueError("no consent wording")
    table = petition_count_by_constituency(petition=petition)
    rows = tuple(
        DeliveryRow(
            ons_code=r.ons_code,
            name=r.name,
            online=r.signature_count_online,
            paper=r.signature_count_paper,
        )
        for r in table.rows
    )
    counted = petition.counted_until
    return DeliveryDocument(
        wording=petition_wording(petition=petition, consent=consent, site_url=site_url),
        opened_on=timezone.localdate(petition.opened_at) if petition.opened_at else None,
        closed_on=timezone.localdate(petition.closed_at) if petition.closed_at else None,
        counted_until=(
            timezone.localtime(counted).strftime("%-d %B %Y, %H:%M")
            if counted
            else "not counted yet"
        ),
        total_online=petition.signature_count_online,
        total_paper=petition.signature_count_paper,
        rows=rows,
        prepared_on=timezone.localdate(),
    )


def delivery_pdf_render(*, petition: Petition, site_url: str) -> bytes:
    """Return the delivery summary as a PDF."""
    from callingtime.paper.pdf import delivery_pdf  # WeasyPrint loads slowly

    return delivery_pdf(delivery_document(petition=petition, site_url=site_url))


def delivery_csv_lines(*, petition: Petition) -> Iterator[str]:
    """Yield the delivery CSV: every counted signature, with only the fields consent allows."""
    names = {r.ons_code: r.name for r in petition_count_by_constituency(petition=petition).rows}
    line = _Line()
    writer = csv.writer(line)
    writer.writerow(DELIVERY_HEADER)
    yield BYTE_ORDER_MARK + line.value
    counted = (
        Signature.objects.filter(petition=petition, state=SignatureState.VALIDATED)
        .select_related("consent")
        .order_by("validated_at", "pk")
    )
    if petition.counted_until is not None:
        counted = counted.filter(validated_at__lte=petition.counted_until)
    else:
        counted = counted.none()
    allows: dict[int, frozenset[str]] = {}
    for number, signature in enumerate(counted.iterator(chunk_size=2000), start=1):
        if signature.consent_id not in allows:
            allows[signature.consent_id] = signature.consent.delivery_allows
        if "name" in allows[signature.consent_id] and signature.name:
            name = cell_safe(signature.name)
        else:
            name = NAME_WITHHELD.format(version=signature.consent.version)
        code = signature.constituency_code
        writer.writerow(
            (
                number,
                name,
                code,
                names.get(code, code),
                signature.source,
                timezone.localdate(signature.created_at).isoformat(),
            )
        )
        yield line.value
