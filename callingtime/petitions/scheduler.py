"""The worker loop: enqueue the periodic jobs when due, then run queued tasks until none is left.

There is no broker and no cron: every `callingtime worker` runs this loop. With the database
backend, a job is not enqueued while one is already waiting or was enqueued within its
interval by any machine, so several workers share one rhythm rather than multiplying it;
should two race, each job is safe to run twice (see tasks.py).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django_tasks.base import Task, TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from callingtime.petitions import tasks

logger = logging.getLogger(__name__)

HOUR = 3600.0
DAY = 24 * HOUR


@dataclass(frozen=True)
class Job:
    """A task and how often, in seconds, it is due."""

    task: Task[Any, Any]
    every: float

    @property
    def name(self) -> str:
        return self.task.name


def schedule_default() -> tuple[Job, ...]:
    """Return the petitions' periodic jobs (the counter's rhythm comes from the settings)."""
    return (
        Job(tasks.signatures_process_task, 1.0),
        Job(tasks.petition_counts_update_task, float(settings.COUNT_INTERVAL_SECONDS)),
        Job(tasks.petition_counts_reconcile_task, 600.0),
        Job(tasks.trending_report_task, HOUR),
        Job(tasks.petitions_close_task, DAY),
        Job(tasks.signatures_anonymise_task, DAY),
        Job(tasks.task_results_prune_task, HOUR),
    )


def _database_backend() -> bool:
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


class Schedule:
    """Knows when each job last went onto the queue, here or (database backend) anywhere."""

    def __init__(self, jobs: tuple[Job, ...], *, clock: Callable[[], float] = time.monotonic):
        self.jobs = jobs
        self._clock = clock
        self._last: dict[str, float] = {}

    def _queued_elsewhere(self, job: Job) -> bool:
        if not _database_backend():
            return False
        # Slack, because our own last row was written a moment after our clock was read.
        recent = timezone.now() - timedelta(seconds=job.every - min(1.0, job.every / 2))
        return (
            DBTaskResult.objects.filter(task_path=job.task.module_path)
            .filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
            .exists()
            or DBTaskResult.objects.filter(
                task_path=job.task.module_path, enqueued_at__gt=recent
            ).exists()
        )

    def due(self) -> list[Job]:
        """Return the jobs whose interval has passed since this process last enqueued them."""
        now = self._clock()
        return [
            job
            for job in self.jobs
            if job.name not in self._last or now - self._last[job.name] >= job.every
        ]

    def tick(self) -> list[str]:
        """Enqueue every due job not already queued; return the names enqueued."""
        enqueued = []
        for job in self.due():
            self._last[job.name] = self._clock()
            if self._queued_elsewhere(job):
                continue
            job.task.enqueue()
            enqueued.append(job.name)
        return enqueued

    def next_due_in(self) -> float:
        """Return the seconds until the next job is due (0 when one is due now)."""
        now = self._clock()
        waits = [
            job.every - (now - self._last[job.name]) if job.name in self._last else 0.0
            for job in self.jobs
        ]
        return max(0.0, min(waits, default=1.0))


@dataclass
class WorkerRun:
    """What a worker did before it stopped."""

    ticks: int = 0
    enqueued: int = 0
    stopped_by: str = ""


class TaskWorker:
    """The scheduler plus django-tasks' database worker in batch mode, until told to stop."""

    def __init__(self, *, schedule: Schedule | None, tick_seconds: float = 1.0) -> None:
        self.schedule = schedule
        self.tick_seconds = tick_seconds
        self.stop_event = threading.Event()
        self._db_worker: Worker | None = None
        self.worker_id = get_random_string(32)

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        """Stop after the task running now; the signal handler for SIGTERM and SIGINT."""
        self.stop_event.set()
        if self._db_worker is not None:
            self._db_worker.running = False

    def _signals_install(self) -> dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}
        return {sig: signal.signal(sig, self.stop) for sig in (signal.SIGTERM, signal.SIGINT)}

    def _run_queued(self) -> None:
        if not _database_backend():
            return  # other backends (immediate, in tests) ran each task when it was enqueued
        self._db_worker = Worker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=0,
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        try:
            self._db_worker.run()
        finally:
            self._db_worker = None

    def run(self, *, once: bool = False) -> WorkerRun:
        """Tick and work until stopped (or once); return what was done."""
        result = WorkerRun()
        previous = self._signals_install()
        try:
            while not self.stop_event.is_set():
                if self.schedule is not None:
                    result.enqueued += len(self.schedule.tick())
                result.ticks += 1
                self._run_queued()
                if once:
                    result.stopped_by = "once"
                    break
                wait = self.tick_seconds
                if self.schedule is not None:
                    wait = min(wait, self.schedule.next_due_in())
                self.stop_event.wait(max(wait, 0.05))
            else:
                result.stopped_by = "signal"
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("worker stopped after %d ticks (%s)", result.ticks, result.stopped_by)
        return result


def worker_run(*, once: bool = False, schedule: bool = True) -> WorkerRun:
    """Run the petitions' worker: the periodic jobs (unless schedule=False) and queued tasks."""
    worker = TaskWorker(schedule=Schedule(schedule_default()) if schedule else None)
    return worker.run(once=once)


def worker_thread_start() -> TaskWorker:
    """Run the worker in a daemon thread of this process: the embedded default's one process.

    Production runs `callingtime worker` processes instead (docs/deploy.md).
    """
    worker = TaskWorker(schedule=Schedule(schedule_default()))
    threading.Thread(target=worker.run, name="callingtime-worker", daemon=True).start()
    return worker
