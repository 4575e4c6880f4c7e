"""`callingtime serve`: the gunicorn settings it builds, and a real server answering requests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from gunicorn.config import Config

from callingtime.cli.web import (
    GEVENT_MAX_REQUESTS,
    GEVENT_WORKER_CLASS,
    gunicorn_argv,
    gunicorn_options,
)

CALLINGTIME = Path(sys.executable).parent / "callingtime"


def test_zero_workers_means_two_per_core_plus_one() -> None:
    options = gunicorn_options(host="127.0.0.1", port=8000, workers=0, threads=4, cpu_count=3)
    assert options["workers"] == 7
    assert gunicorn_options(host="h", port=1, workers=5, threads=1)["workers"] == 5


def test_threads_choose_the_worker_class() -> None:
    assert gunicorn_options(host="h", port=1, workers=1, threads=1)["worker_class"] == "sync"
    threaded = gunicorn_options(host="h", port=1, workers=1, threads=8)
    assert (threaded["worker_class"], threaded["threads"]) == ("gthread", 8)


def test_gevent_workers_load_the_app_after_gevent_patches_them() -> None:
    options = gunicorn_options(host="h", port=1, workers=2, threads=4, worker_class="gevent")
    assert options["worker_class"] == GEVENT_WORKER_CLASS
    # Preloaded in the master, the app's per-thread state (database connections) would be
    # made before gevent patches threads, and every request of a worker would share it.
    assert options["preload_app"] is False
    assert (options["threads"], options["worker_connections"]) == (1, 500)
    parsed = Config().parser().parse_args(gunicorn_argv(options)[3:])
    assert (parsed.worker_class, parsed.preload_app, parsed.worker_connections) == (
        GEVENT_WORKER_CLASS,
        None,
        500,
    )


def test_zero_gevent_workers_means_one_per_core() -> None:
    options = gunicorn_options(
        host="h", port=1, workers=0, threads=1, cpu_count=3, worker_class="gevent"
    )
    assert options["workers"] == 3


def test_gevent_workers_are_recycled_later_and_apart() -> None:
    # Two workers recycled in the same second left nobody accepting while the new ones booted.
    sync = gunicorn_options(host="h", port=1, workers=0, threads=1, cpu_count=2)
    gevent = gunicorn_options(
        host="h", port=1, workers=0, threads=1, cpu_count=2, worker_class="gevent"
    )
    assert gevent["max_requests"] == GEVENT_MAX_REQUESTS > sync["max_requests"]
    assert gevent["max_requests_jitter"] >= gevent["max_requests"] / 2
    parsed = Config().parser().parse_args(gunicorn_argv(gevent)[3:])
    assert (parsed.max_requests, parsed.max_requests_jitter) == (
        GEVENT_MAX_REQUESTS,
        GEVENT_MAX_REQUESTS,
    )


def test_serve_keeps_personal_data_out_of_logs_and_stops_gracefully() -> None:
    options = gunicorn_options(host="0.0.0.0", port=8000, workers=2, threads=4)  # noqa: S104
    assert options["bind"] == ["0.0.0.0:8000"]
    assert options["accesslog"] is None
    assert options["graceful_timeout"] > 0
    assert options["preload_app"] is True
    assert options["control_socket_disable"] is True


def test_ipv6_hosts_are_bracketed() -> None:
    assert gunicorn_options(host="::1", port=80, workers=1, threads=1)["bind"] == ["[::1]:80"]


def test_trusted_proxies_may_set_the_forwarded_scheme() -> None:
    default = gunicorn_options(host="h", port=1, workers=1, threads=1)
    assert default["forwarded_allow_ips"] == "127.0.0.1,::1"
    behind = gunicorn_options(
        host="h", port=1, workers=1, threads=1, trusted_proxies=["10.0.0.5", "10.0.0.6"]
    )
    assert behind["forwarded_allow_ips"] == "10.0.0.5,10.0.0.6"


def test_the_command_line_gives_gunicorn_exactly_these_settings() -> None:
    options = gunicorn_options(
        host="127.0.0.1", port=8123, workers=3, threads=4, timeout=45, trusted_proxies=["10.1.1.1"]
    )
    argv = gunicorn_argv(options)
    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    assert argv[-1] == "config.wsgi:application"
    config = Config()
    parsed = config.parser().parse_args(argv[3:])
    for key, value in vars(parsed).items():
        if key != "args" and value is not None:
            config.set(key, value)
    assert config.bind == ["127.0.0.1:8123"]
    assert config.workers == 3
    assert config.threads == 4
    assert config.worker_class_str == "gthread"
    assert config.timeout == 45
    assert config.preload_app is True
    assert config.accesslog is None
    assert config.forwarded_allow_ips == ["10.1.1.1"]
    assert config.control_socket_disable is True
    assert config.max_requests == options["max_requests"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, deadline: float) -> tuple[int, str]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local
                return response.status, response.read().decode()
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _serve_sqlite(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[str], int]:
    """Migrate a SQLite database in tmp_path and start `callingtime serve` on a free port."""
    env = {
        **os.environ,
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CALLINGTIME_DATA_DIR": str(tmp_path),
        "CALLINGTIME_SECRET_KEY": "serve-test-key",
        "CALLINGTIME_DEBUG": "false",
        "CALLINGTIME_CRIME_DB": "",
        "CALLINGTIME_AREAS_DB": "",
    }
    (tmp_path / "static").mkdir()
    subprocess.run(
        [str(CALLINGTIME), "manage", "migrate", "--verbosity", "0"],
        env=env,
        check=True,
        timeout=120,
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(CALLINGTIME), "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return server, port


def _stop(server: subprocess.Popen[str]) -> str:
    server.terminate()  # SIGTERM to the master (the exec'd process): a graceful stop
    try:
        output, _ = server.communicate(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        output, _ = server.communicate()
    return output


@pytest.mark.parametrize(
    ("worker_class", "worker_name"), [("sync", "sync"), ("gevent", GEVENT_WORKER_CLASS)]
)
def test_serve_answers_requests_against_sqlite(
    tmp_path: Path, worker_class: str, worker_name: str
) -> None:
    server, port = _serve_sqlite(tmp_path, "--workers", "2", "--worker-class", worker_class)
    try:
        deadline = time.monotonic() + 30
        status, body = _get(f"http://127.0.0.1:{port}/healthz", deadline)
        assert (status, body) == (200, '{"status": "ok"}')
        status, body = _get(f"http://127.0.0.1:{port}/", deadline)
        assert status == 200 and "callingtime" in body
        status, _ = _get(f"http://127.0.0.1:{port}/petitions/", deadline)  # reads SQLite
        assert status == 200
    finally:
        output = _stop(server)
    assert server.returncode == 0, output
    assert f"Using worker: {worker_name}" in output
    assert "/petitions/" not in output, "no access log: request lines carry personal data"
    assert "SIGABRT" not in output
    assert "Traceback" not in output, output


@pytest.mark.parametrize("option", ["--workers", "--threads", "--timeout", "--worker-class"])
def test_serve_help_lists_its_options(option: str) -> None:
    result = subprocess.run(
        [str(CALLINGTIME), "serve", "--help"], capture_output=True, text=True, check=True
    )
    assert option in result.stdout


def test_a_gevent_worker_serves_a_new_connection_between_one_connections_requests(
    tmp_path: Path,
) -> None:
    # A client that has sent many requests at once on one kept-alive connection (as a proxy
    # with a queue does) must not hold the worker: a greenlet that never blocks never yields.
    server, port = _serve_sqlite(tmp_path, "--workers", "1", "--worker-class", "gevent")
    try:
        _get(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
        request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        with socket.create_connection(("127.0.0.1", port)) as busy:
            busy.sendall(request * 300)
            with socket.create_connection(("127.0.0.1", port), timeout=30) as other:
                other.sendall(request)
                assert other.recv(65536).startswith(b"HTTP/1.1 200")
            busy.setblocking(False)
            answered = b""
            with contextlib.suppress(BlockingIOError):
                while chunk := busy.recv(1 << 20):
                    answered += chunk
        # An unfair worker answers all 300 before it even accepts the other connection.
        assert answered.count(b"HTTP/1.1 200") < 150
    finally:
        output = _stop(server)
    assert server.returncode == 0, output
