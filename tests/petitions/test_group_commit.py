"""Under gevent, signatures that arrive together commit together, and each is answered
only once its commit is done; a bad row fails alone, a lost connection fails its group.

The signing runs in a child process that gevent has patched, as in a gevent web worker,
against this test's PostgreSQL database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from callingtime.petitions.models import Signature
from tests.factories import PetitionFactory, consent_wording

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("group_commit_child.py")

pytestmark = pytest.mark.django_db(transaction=True)


def _child(petition_id: int) -> dict[str, list[dict[str, Any]]]:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own_pid,) = cursor.fetchone()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CALLINGTIME_DB_POOL": "4",
        "CALLINGTIME_SECRET_KEY": "group-commit-test",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, str(CHILD), str(petition_id), str(own_pid)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_signatures_from_many_requests_commit_together_and_fail_apart() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("group commit is the PostgreSQL path of gevent workers")
    consent_wording()
    petition = PetitionFactory()
    rounds = _child(petition.pk)

    together = rounds["together"]
    assert all("id" in answer and answer["visible"] for answer in together), together
    ids = [answer["id"] for answer in together]
    assert len(set(ids)) == 60
    stored = Signature.objects.filter(pk__in=ids)
    assert sorted(stored.values_list("name", flat=True)) == sorted(a["name"] for a in together)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT xmin::text) FROM petitions_signature WHERE id = ANY(%s)", [ids]
        )
        (transactions,) = cursor.fetchone()
    # Sixty requests arriving at once: fewer commits than signatures (here, one).
    assert transactions < 60

    one_bad = {answer["name"]: answer for answer in rounds["one_bad"]}
    assert one_bad.pop("x" * 101)["error"] == "DataError"
    assert all(answer["visible"] for answer in one_bad.values()), one_bad
    assert Signature.objects.filter(name__startswith="Second ").count() == 9

    # The cut connection fails the group it was writing, and nothing of it is saved...
    assert {answer.get("error") for answer in rounds["after_cut"]} == {"OperationalError"}
    assert not Signature.objects.filter(name__startswith="Third ").exists()
    # ...and the next group reconnects.
    assert all(answer["visible"] for answer in rounds["reconnected"]), rounds["reconnected"]
    assert Signature.objects.filter(name__startswith="Fourth ").count() == 5
    assert Signature.objects.filter(petition=petition).count() == 60 + 9 + 5
