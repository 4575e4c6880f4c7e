"""Delivery to the target carries only what consent allows; retention forgets the paper side."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone

from callingtime.cli import main
from callingtime.paper.delivery import NAME_WITHHELD, delivery_csv_lines, delivery_document
from callingtime.paper.keying import sheet_key
from callingtime.paper.lines import KeyedLine
from callingtime.paper.models import Pack, PackStatus, SheetEntry
from callingtime.paper.packs import PackError, pack_create_for_staff, packs_status_set
from callingtime.petitions.counting import petition_counts_update
from callingtime.petitions.models import ConsentWording, Petition, PetitionState, Signature
from callingtime.petitions.retention import signatures_anonymise_due
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


def _csv(petition: Petition) -> list[dict[str, str]]:
    text = "".join(delivery_csv_lines(petition=petition)).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_delivery_list_names_only_signers_whose_wording_allows_it(
    petition: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    old = ConsentWording.objects.get(version="2026-12-v1")
    assert old.delivery_allows == frozenset()
    assert ConsentWording.objects.get(version="2026-12-v2").delivery_allows == {"name"}
    validated = timezone.now() - timedelta(minutes=1)
    SignatureFactory(
        petition=petition,
        name="Old Wording",
        email="old@example.org",
        consent=old,
        state="validated",
        validated_at=validated,
    )
    SignatureFactory(
        petition=petition, name="=Formula Name", state="validated", validated_at=validated
    )
    line = KeyedLine.from_keyed(
        line=1,
        name="Paper Person",
        postcode=demo_postcodes[0],
        email="paper@example.org",
        ticked=True,
    )
    sheet_key(sheet=pack.sheets.first(), user=keyer, lines=[line], signed_lines=1)
    assert _csv(petition) == []  # nothing is counted yet, so nothing is delivered
    petition_counts_update(now=timezone.now() + timedelta(seconds=30))
    petition.refresh_from_db()
    rows = _csv(petition)
    assert [r["number"] for r in rows] == ["1", "2", "3"]
    names = {r["name"] for r in rows}
    assert NAME_WITHHELD.format(version="2026-12-v1") in names
    assert "'=Formula Name" in names and "Paper Person" in names
    text = "".join(delivery_csv_lines(petition=petition))
    for private in ("old@example.org", "paper@example.org", demo_postcodes[0]):
        assert private not in text
    assert {r["source"] for r in rows} == {"online", "paper"}
    document = delivery_document(petition=petition, site_url="https://example.org")
    assert (document.total_online, document.total_paper) == (2, 1)
    assert sum(r.total for r in document.rows) == 3


def test_anonymising_a_petition_forgets_its_pack_requesters_and_entries(
    petition: Petition, pack: Any, keyer: Any, demo_postcodes: list[str]
) -> None:
    sheet_key(
        sheet=pack.sheets.first(),
        user=keyer,
        lines=[KeyedLine(line=1, name="Paper Person", postcode=demo_postcodes[0])],
        signed_lines=1,
    )
    Petition.objects.filter(pk=petition.pk).update(
        state=PetitionState.CLOSED, closed_at=timezone.now() - timedelta(days=400)
    )
    signatures_anonymise_due()
    pack = Pack.objects.get(pk=pack.pk)
    assert (pack.requester_name, pack.requester_email, pack.address_line_1, pack.postcode) == (
        "",
        "",
        "",
        "",
    )
    assert pack.anonymised_at is not None and pack.sheet_count == 3
    assert SheetEntry.objects.get().lines == []
    assert Signature.objects.get().name == ""


def test_pack_status_moves_forward_only(petition: Petition, pack: Any) -> None:
    with pytest.raises(PackError):
        packs_status_set(petition=petition, pack_ids=[pack.pk], status=PackStatus.REQUESTED)
    assert packs_status_set(petition=petition, pack_ids=[pack.pk], status="returned").changed == 1
    pack.refresh_from_db()
    assert pack.printed_at is not None and pack.returned_at is not None
    change = packs_status_set(petition=petition, pack_ids=[pack.pk, 99999], status="cancelled")
    assert (change.changed, change.skipped) == (0, 2)


def test_a_pack_holds_one_to_five_hundred_sheets(petition: Petition) -> None:
    for bad in (0, 501):
        with pytest.raises(PackError, match="at most 500"):
            pack_create_for_staff(petition=petition, user=None, sheet_count=bad)
    assert Pack.objects.count() == 0


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_cli_makes_and_prints_packs_and_deliveries(petition: Petition, tmp_path: Path) -> None:
    made = json.loads(_run("paper", "new-pack", str(petition.pk), "--sheets", "2", "--json"))
    assert made["sheets"] == 2 and made["first_sheet"].startswith("S")
    out = tmp_path / "pack.pdf"
    printed = json.loads(
        _run("paper", "pack-pdf", str(made["pack"]), "--output", str(out), "--json")
    )
    assert out.read_bytes().startswith(b"%PDF") and printed["bytes"] == out.stat().st_size
    assert not list(tmp_path.glob("*.partial"))
    delivered = json.loads(
        _run(
            "paper",
            "delivery",
            str(petition.pk),
            "--pdf",
            str(tmp_path / "d.pdf"),
            "--csv",
            str(tmp_path / "d.csv"),
            "--json",
        )
    )
    assert set(delivered) == {"pdf", "csv"}
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
    missing = CliRunner().invoke(main, ["paper", "pack-pdf", "99999", "--output", str(out)])
    assert missing.exit_code != 0 and "There is no pack 99999" in missing.output
