"""`callingtime worker` and `callingtime petitions ...`: wiring, readable output and JSON."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.core import mail
from django.utils import timezone

from callingtime.cli import main
from callingtime.petitions.models import (
    Petition,
    PetitionState,
    Signature,
    SignatureState,
    TrendingEntry,
)
from tests.factories import PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout  # logs go to stderr, so --json output stays parseable


def test_process_prints_how_many_and_sends_emails() -> None:
    SignatureFactory()
    SignatureFactory()
    assert "Processed 2 new signatures." in _run("petitions", "process")
    assert len(mail.outbox) == 2
    assert json.loads(_run("petitions", "process", "--json")) == {"processed": 0}


def test_process_limit() -> None:
    for _ in range(3):
        SignatureFactory()
    assert json.loads(_run("petitions", "process", "--limit", "2", "--json")) == {"processed": 2}


def test_count_adds_validated_signatures_and_reports_milestones() -> None:
    petition = PetitionFactory()
    petition.milestones.create(threshold=1)
    SignatureFactory(
        petition=petition,
        state=SignatureState.VALIDATED,
        validated_at=timezone.now() - timedelta(minutes=1),
    )
    output = _run("petitions", "count")
    assert "Counted 1 signatures" in output
    assert f"Petition {petition.pk} reached 1 signatures." in output
    payload = json.loads(_run("petitions", "count", "--json"))
    assert payload["ran"] is True and payload["added"] == 0


def test_reconcile_repairs_and_reports() -> None:
    petition = PetitionFactory(counted_until=timezone.now())
    Petition.objects.filter(pk=petition.pk).update(signature_count=5, signature_count_online=5)
    output = _run("petitions", "reconcile", "--petition", str(petition.pk))
    assert "Repaired 1 counts." in output and "total: 5 -> 0" in output
    assert json.loads(_run("petitions", "reconcile", "--json")) == {"repairs": []}
    assert "Every count matches the rows." in _run("petitions", "reconcile")


def test_report_writes_trending_entries() -> None:
    petition = PetitionFactory()
    for n in range(2):
        SignatureFactory(
            petition=petition,
            email=f"s{n}@bot.example",
            created_at=timezone.now() - timedelta(minutes=5),
        )
    assert json.loads(_run("petitions", "report", "--json")) == {"entries": 2}
    assert TrendingEntry.objects.filter(petition=petition).count() == 2


def test_close_and_anonymise(settings: object) -> None:
    old = PetitionFactory(closing_date=timezone.localdate() - timedelta(days=400))
    SignatureFactory(petition=old)
    assert "Closed 1 petitions." in _run("petitions", "close")
    assert Petition.objects.get(pk=old.pk).state == PetitionState.CLOSED
    # Closed just now: retention starts from the closing moment, so nothing is due yet.
    assert json.loads(_run("petitions", "anonymise", "--json")) == {"anonymised": 0}
    Petition.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=400))
    assert "Anonymised 1 signatures." in _run("petitions", "anonymise")
    assert Signature.objects.get(petition=old).email == ""


def test_worker_once_runs_the_jobs_and_exits() -> None:
    SignatureFactory()
    output = _run("worker", "--once")
    assert "Worker stopped (once): 1 ticks, 7 jobs queued." in output
    assert len(mail.outbox) == 1


def test_worker_no_schedule_queues_nothing() -> None:
    assert "0 jobs queued" in _run("worker", "--once", "--no-schedule")
