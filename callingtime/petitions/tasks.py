"""The petitions' background jobs as django-tasks tasks, run by `callingtime worker`.

Each task wraps one service and returns a small JSON-able summary (the database backend
stores it). Every one is safe to run on several machines at once: processing claims rows
with SKIP LOCKED, the counter holds a lock, and the rest are idempotent.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from callingtime.petitions.abuse import trending_report_build
from callingtime.petitions.counting import petition_counts_reconcile, petition_counts_update
from callingtime.petitions.processing import signatures_process_new
from callingtime.petitions.retention import petitions_close_due, signatures_anonymise_due

PROCESS_BATCH = 500
# One task run drains a backlog in batches, but yields after this many so others get a turn.
PROCESS_MAX_BATCHES = 20
# Finished task rows pile up (processing runs every second): keep an hour, failures a week.
RESULTS_KEEP = timedelta(hours=1)
FAILED_RESULTS_KEEP = timedelta(days=7)


@task()
def signatures_process_task() -> int:
    """Process new signatures until none are waiting (or the batch allowance is used)."""
    total = 0
    for _ in range(PROCESS_MAX_BATCHES):
        done = signatures_process_new(limit=PROCESS_BATCH)
        total += done
        if done < PROCESS_BATCH:
            break
    return total


@task()
def petition_counts_update_task() -> dict[str, Any]:
    """Run the counter once."""
    run = petition_counts_update()
    return {"ran": run.ran, "added": run.added, "petitions": run.petitions, "reason": run.reason}


@task()
def petition_counts_reconcile_task(petition_id: int | None = None) -> int:
    """Recount from the rows and repair drift; return how many counts were repaired."""
    return len(petition_counts_reconcile(petition_id=petition_id))


@task()
def trending_report_task() -> int:
    """Write the hourly trending IPs and domains report."""
    return trending_report_build()


@task()
def petitions_close_task() -> int:
    """Close petitions past their closing date."""
    return petitions_close_due()


@task()
def signatures_anonymise_task() -> int:
    """Anonymise signers of petitions closed longer than the retention period."""
    return signatures_anonymise_due()


@task()
def task_results_prune_task() -> int:
    """Delete old finished task rows of the database backend."""
    now = timezone.now()
    deleted, _ = (
        DBTaskResult.objects.successful().filter(finished_at__lt=now - RESULTS_KEEP)
        | DBTaskResult.objects.failed().filter(finished_at__lt=now - FAILED_RESULTS_KEEP)
    ).delete()
    return deleted
