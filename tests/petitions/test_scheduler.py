"""The worker loop: what is due when, the database queue shared by machines, clean stops."""

from __future__ import annotations

import os
import signal
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from callingtime.petitions import tasks
from callingtime.petitions.models import PetitionState, SignatureState
from callingtime.petitions.scheduler import Job, Schedule, TaskWorker, schedule_default, worker_run
from tests.factories import PetitionFactory, SignatureFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@override_settings(COUNT_INTERVAL_SECONDS=7)
def test_schedule_default_runs_each_job_at_its_rhythm() -> None:
    every = {job.name: job.every for job in schedule_default()}
    assert every == {
        "signatures_process_task": 1.0,
        "petition_counts_update_task": 7.0,
        "petition_counts_reconcile_task": 600.0,
        "trending_report_task": 3600.0,
        "petitions_close_task": 86400.0,
        "signatures_anonymise_task": 86400.0,
        "task_results_prune_task": 3600.0,
    }


@pytest.mark.django_db
def test_schedule_enqueues_jobs_when_their_interval_has_passed() -> None:
    clock = _Clock()
    jobs = (Job(tasks.petitions_close_task, 10.0), Job(tasks.trending_report_task, 60.0))
    schedule = Schedule(jobs, clock=clock)
    assert schedule.tick() == ["petitions_close_task", "trending_report_task"]
    assert schedule.tick() == []
    assert schedule.next_due_in() == 10.0
    clock.now += 10
    assert schedule.tick() == ["petitions_close_task"]
    clock.now += 50
    assert schedule.tick() == ["petitions_close_task", "trending_report_task"]


@pytest.mark.django_db
def test_worker_once_runs_every_job(settings: Any) -> None:
    today = timezone.localdate()
    due = PetitionFactory(closing_date=today - timedelta(days=1))
    signature = SignatureFactory(petition=PetitionFactory())
    run = worker_run(once=True)
    assert (run.ticks, run.enqueued, run.stopped_by) == (1, len(schedule_default()), "once")
    due.refresh_from_db()
    signature.refresh_from_db()
    assert due.state == PetitionState.CLOSED
    assert signature.processed_at is not None and signature.state == SignatureState.PENDING
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_worker_without_schedule_enqueues_nothing() -> None:
    SignatureFactory()
    run = worker_run(once=True, schedule=False)
    assert run.enqueued == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_database_queue_is_shared_by_workers_on_several_machines() -> None:
    SignatureFactory(petition=PetitionFactory())
    jobs = (Job(tasks.signatures_process_task, 60.0), Job(tasks.petitions_close_task, 60.0))
    here, there = Schedule(jobs, clock=_Clock()), Schedule(jobs, clock=_Clock())
    assert len(here.tick()) == 2
    assert there.tick() == []  # already waiting in the queue: not enqueued twice
    assert DBTaskResult.objects.ready().count() == 2
    TaskWorker(schedule=None).run(once=True)
    assert DBTaskResult.objects.successful().count() == 2
    assert len(mail.outbox) == 1
    assert there.tick() == []  # the other machine enqueued it less than an interval ago


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_failing_task_does_not_stop_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: object) -> int:
        raise RuntimeError("store unavailable")

    monkeypatch.setattr(tasks, "trending_report_build", broken)
    jobs = (Job(tasks.trending_report_task, 60.0), Job(tasks.petitions_close_task, 60.0))
    TaskWorker(schedule=Schedule(jobs)).run(once=True)
    assert DBTaskResult.objects.failed().count() == 1
    assert DBTaskResult.objects.successful().count() == 1


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_prune_keeps_recent_results_and_failures_for_a_week() -> None:
    jobs = (Job(tasks.petitions_close_task, 60.0),)
    TaskWorker(schedule=Schedule(jobs)).run(once=True)
    old = timezone.now() - timedelta(hours=2)
    DBTaskResult.objects.update(finished_at=old)
    assert tasks.task_results_prune_task.call() == 1
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_stop_the_worker_cleanly(signum: int) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers can only be installed in the main thread")
    before = signal.getsignal(signum)
    worker = TaskWorker(schedule=Schedule((Job(tasks.petitions_close_task, 3600.0),)))
    timer = threading.Timer(0.3, os.kill, args=(os.getpid(), signum))
    timer.start()
    try:
        run = worker.run()
    finally:
        timer.cancel()
    assert run.stopped_by == "signal"
    assert run.ticks >= 1 and run.enqueued == 1
    assert signal.getsignal(signum) == before
