"""`callingtime paper ...`: print packs and delivery documents from the command line.

The web pages render packs of up to a hundred sheets while staff wait; bigger print runs and
scripted deliveries go through here.
"""

from __future__ import annotations

from pathlib import Path

import click

from callingtime.cli.petitions import _django_setup, _json_option, _print


@click.group()
def paper() -> None:
    """Print paper petition packs and delivery documents."""


def _site_url() -> str:
    from django.conf import settings

    return settings.SITE_URL or "http://localhost:8000"


@paper.command("pack-pdf")
@click.argument("pack_id", type=int)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@_json_option
def pack_pdf(pack_id: int, output: Path, as_json: bool) -> None:
    """Write a pack (cover letter and numbered sheets) as a PDF to print."""
    _django_setup()
    from callingtime.paper.models import Pack
    from callingtime.paper.packs import pack_pdf_render

    pack = Pack.objects.select_related("petition__campaign", "consent").filter(pk=pack_id).first()
    if pack is None:
        raise click.ClickException(f"There is no pack {pack_id}.")
    document = pack_pdf_render(pack=pack, site_url=_site_url())
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(document)
    partial.replace(output)  # never leave half a PDF under the name asked for
    payload = {
        "pack": pack_id,
        "sheets": pack.sheet_count,
        "bytes": len(document),
        "path": str(output),
    }
    _print(
        payload,
        f"Wrote {pack.reference} ({pack.sheet_count} sheets, {len(document):,} bytes) to {output}.",
        as_json,
    )


@paper.command("new-pack")
@click.argument("petition_id", type=int)
@click.option("--sheets", type=click.IntRange(1, 500), required=True, help="Sheets in the pack.")
@click.option("--note", default="", help="A note staff see in the pack queue.")
@_json_option
def new_pack(petition_id: int, sheets: int, note: str, as_json: bool) -> None:
    """Make a pack of numbered sheets for the campaign to print itself."""
    _django_setup()
    from callingtime.paper.packs import PackError, pack_create_for_staff
    from callingtime.petitions.models import Petition

    petition = Petition.objects.filter(pk=petition_id).first()
    if petition is None:
        raise click.ClickException(f"There is no petition {petition_id}.")
    try:
        pack = pack_create_for_staff(petition=petition, user=None, sheet_count=sheets, note=note)
    except PackError as error:
        raise click.ClickException(str(error)) from error
    codes = list(pack.sheets.order_by("number").values_list("code", flat=True))
    payload = {"pack": pack.pk, "sheets": sheets, "first_sheet": codes[0], "last_sheet": codes[-1]}
    _print(payload, f"Made {pack.reference}: sheets {codes[0]} to {codes[-1]}.", as_json)


@paper.command("delivery")
@click.argument("petition_id", type=int)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@_json_option
def delivery(petition_id: int, pdf_path: Path | None, csv_path: Path | None, as_json: bool) -> None:
    """Write the delivery pack for the petition's target: a PDF summary and/or the CSV."""
    _django_setup()
    from callingtime.paper.delivery import delivery_csv_lines, delivery_pdf_render
    from callingtime.petitions.models import Petition

    petition = Petition.objects.select_related("campaign").filter(pk=petition_id).first()
    if petition is None:
        raise click.ClickException(f"There is no petition {petition_id}.")
    if pdf_path is None and csv_path is None:
        raise click.ClickException("Say where to write it: --pdf FILE, --csv FILE or both.")
    written: dict[str, str] = {}
    if pdf_path is not None:
        pdf_path.write_bytes(delivery_pdf_render(petition=petition, site_url=_site_url()))
        written["pdf"] = str(pdf_path)
    if csv_path is not None:
        with csv_path.open("w", encoding="utf-8", newline="") as handle:
            for line in delivery_csv_lines(petition=petition):
                handle.write(line)
        written["csv"] = str(csv_path)
    _print(written, "Wrote " + " and ".join(written.values()) + ".", as_json)


COMMANDS = (paper,)
