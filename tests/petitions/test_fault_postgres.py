"""Faults under load: a web worker killed with SIGKILL and PostgreSQL crashed and restarted.

The test makes its own PostgreSQL cluster (initdb in a temporary folder, its own port) and runs
the production server (`callingtime serve`, gunicorn) against it while threads sign the demo
petition. Afterwards every signature that was answered with success must be in the database,
the counts must equal the rows, and nothing may be counted twice.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.pgcluster import PrivateCluster

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "petitions"
CLI = str(Path(sys.executable).with_name("callingtime"))
SIGNERS = 6
LOAD_SECONDS = 14

pytestmark = pytest.mark.skipif(not PrivateCluster.available(), reason="PostgreSQL not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"the server on {port} did not come up")


class Signers:
    """Threads that sign as different people and keep the e-mails the server accepted."""

    def __init__(self, port: int, petition_id: int) -> None:
        self.port = port
        self.path = f"/petitions/{petition_id}/sign/"
        self.accepted: set[str] = set()
        self.failures = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def sign_once(self, worker: int, n: int) -> None:
        token = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        email = f"fault{worker}x{n}x{secrets.token_hex(3)}@example.org"
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "name": f"Fault Signer {worker} {n}",
                "email": email,
                "postcode": "N7 6AA",
                "uk_resident": "on",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={token}",
            "X-Forwarded-For": f"10.{worker}.{n % 250}.{n % 200 + 1}",
        }
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request("POST", self.path, body, headers)
            status = connection.getresponse().status
        except OSError:
            status = 0
        with self.lock:
            if status == 303:
                self.accepted.add(email)
            else:
                self.failures += 1

    def run(self, worker: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            self.sign_once(worker, n)


def _gunicorn_workers(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


# gevent workers commit the signatures that arrive together in one transaction.
@pytest.mark.parametrize("worker_class", ["sync", "gevent"])
def test_signatures_answered_with_success_survive_worker_and_database_crashes(
    tmp_path: Path, demo_store_paths: tuple[Path, Path], worker_class: str
) -> None:
    crime_db, areas_db = demo_store_paths
    cluster = PrivateCluster(_free_port())
    cluster.init()
    cluster.start()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": cluster.create_database("callingtime_fault"),
        "CALLINGTIME_SECRET_KEY": "fault-test-secret-key",
        "CALLINGTIME_DATA_DIR": str(tmp_path),
        "CALLINGTIME_CRIME_DB": str(crime_db),
        "CALLINGTIME_AREAS_DB": str(areas_db),
        "CALLINGTIME_ALLOWED_HOSTS": "127.0.0.1",
        "CALLINGTIME_TRUSTED_PROXIES": "127.0.0.1",
        "CALLINGTIME_EMAIL_BACKEND": "file",
        "CALLINGTIME_WEB_WORKERS": "2",
        "CALLINGTIME_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    server = None
    try:
        subprocess.run([CLI, "manage", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        petition_id = int(
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "load_db.py"), "demo-petition"],
                env=env,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout.split()[-1]
        )
        server = subprocess.Popen(
            [
                CLI,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--worker-class",
                worker_class,
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / "serve.log", "wb"),  # noqa: SIM115
        )
        _wait(port, "/healthz")
        signers = Signers(port, petition_id)
        threads = [threading.Thread(target=signers.run, args=(i,)) for i in range(SIGNERS)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        workers = _gunicorn_workers(server.pid)
        assert workers, "gunicorn started no workers"
        os.kill(workers[0], signal.SIGKILL)
        time.sleep(3)
        cluster.crash()
        time.sleep(1)
        cluster.start()
        time.sleep(LOAD_SECONDS - 7)
        signers.stop.set()
        for thread in threads:
            thread.join()
        assert len(signers.accepted) > 50, "too little load got through to mean anything"

        settled = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("fault_settle.py"))],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        state = json.loads(settled.stdout.strip().splitlines()[-1])
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        cluster.remove()

    summary = {
        "accepted": len(signers.accepted),
        "refused_or_failed": signers.failures,
        **{k: v for k, v in state.items() if k != "emails"},
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = "fault.json" if worker_class == "sync" else f"fault-{worker_class}.json"
    (ARTIFACTS / name).write_text(json.dumps(summary, indent=2))
    lost = signers.accepted - set(state["emails"])
    assert lost == set(), f"{len(lost)} signatures answered with success are missing"
    assert state["validated"] >= len(signers.accepted)
    assert state["signature_count"] == state["validated"]
    assert state["constituency_total"] == state["signature_count"]
    assert state["repairs_after_count"] == 0
    assert state["validated_twice"] == 0
