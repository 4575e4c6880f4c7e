"""`callingtime worker` and `callingtime petitions ...`: the background jobs, or one by hand."""

from __future__ import annotations

import json
import os
from typing import Any

import click

_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.apps import apps

    if not apps.ready:  # already set up when called from Python (tests, a shell)
        django.setup()


def _print(payload: dict[str, Any], text: str, as_json: bool) -> None:
    click.echo(json.dumps(payload, indent=2, default=str) if as_json else text)


@click.command()
@click.option("--once", is_flag=True, help="Enqueue the jobs due now, run the queue empty, exit.")
@click.option(
    "--no-schedule",
    is_flag=True,
    help="Only run queued tasks; another worker enqueues the periodic jobs.",
)
def worker(once: bool, no_schedule: bool) -> None:
    """Run the background worker: periodic petition jobs and queued tasks (SIGTERM stops it)."""
    _django_setup()
    from callingtime.petitions.scheduler import worker_run

    if not once:
        click.echo("callingtime worker is running (Ctrl+C stops it after the current task)")
    run = worker_run(once=once, schedule=not no_schedule)
    click.echo(f"Worker stopped ({run.stopped_by}): {run.ticks} ticks, {run.enqueued} jobs queued.")


@click.group()
def petitions() -> None:
    """Run one petition job by hand (the worker runs them all on a schedule)."""


@petitions.command("process")
@click.option("--limit", type=int, default=500, show_default=True, help="Signatures per batch.")
@_json_option
def process(limit: int, as_json: bool) -> None:
    """Process one batch of new signatures: constituency, abuse rules, confirmation e-mail."""
    _django_setup()
    from callingtime.petitions.processing import signatures_process_new

    processed = signatures_process_new(limit=limit)
    _print({"processed": processed}, f"Processed {processed:,} new signatures.", as_json)


@petitions.command("count")
@_json_option
def count(as_json: bool) -> None:
    """Run the counter once: add newly confirmed signatures to every petition's counts."""
    _django_setup()
    from callingtime.petitions.counting import petition_counts_update

    run = petition_counts_update()
    if not run.ran:
        text = f"The counter did not run: {run.reason}."
    else:
        text = f"Counted {run.added:,} signatures into {run.petitions:,} petitions."
        for petition_id, threshold in run.milestones_reached:
            text += f"\nPetition {petition_id} reached {threshold:,} signatures."
    payload = {
        "ran": run.ran,
        "reason": run.reason,
        "until": run.until.isoformat() if run.until else None,
        "added": run.added,
        "petitions": run.petitions,
        "milestones_reached": [list(m) for m in run.milestones_reached],
    }
    _print(payload, text, as_json)


@petitions.command("reconcile")
@click.option("--petition", "petition_id", type=int, default=None, help="Only this petition.")
@_json_option
def reconcile(petition_id: int | None, as_json: bool) -> None:
    """Recount counted signatures from the rows and repair every count that drifted."""
    _django_setup()
    from callingtime.petitions.counting import petition_counts_reconcile

    repairs = petition_counts_reconcile(petition_id=petition_id)
    lines = [f"Repaired {len(repairs)} counts." if repairs else "Every count matches the rows."]
    for repair in repairs:
        where = "total" if repair.ons_code is None else (repair.ons_code or "not known")
        lines.append(f"  petition {repair.petition_id} {where}: {repair.was:,} -> {repair.now:,}")
    payload = {
        "repairs": [
            {"petition_id": r.petition_id, "ons_code": r.ons_code, "was": r.was, "now": r.now}
            for r in repairs
        ]
    }
    _print(payload, "\n".join(lines), as_json)


@petitions.command("report")
@_json_option
def report(as_json: bool) -> None:
    """Write the trending report: the fastest-signing IPs and domains of the last hour."""
    _django_setup()
    from callingtime.petitions.abuse import trending_report_build

    entries = trending_report_build()
    _print({"entries": entries}, f"Wrote {entries:,} trending entries.", as_json)


@petitions.command("anonymise")
@_json_option
def anonymise(as_json: bool) -> None:
    """Blank signers' personal data on petitions closed longer than the retention period."""
    _django_setup()
    from callingtime.petitions.retention import signatures_anonymise_due

    blanked = signatures_anonymise_due()
    _print({"anonymised": blanked}, f"Anonymised {blanked:,} signatures.", as_json)


@petitions.command("close")
@_json_option
def close(as_json: bool) -> None:
    """Close open petitions whose closing date has passed."""
    _django_setup()
    from callingtime.petitions.retention import petitions_close_due

    closed = petitions_close_due()
    _print({"closed": closed}, f"Closed {closed:,} petitions.", as_json)


COMMANDS = (worker, petitions)
