"""Load a petition the way a viral spike would, on the production mode, and report ratios.

    .venv/bin/python bench/load.py [--duration 60] [--connections 64] [--work DIR]
        [--web-workers N] [--warm-seconds 5] [--read-seconds 20] [--confirm-seconds 20]
        [--worker-class gevent|sync|gthread] [--no-nginx]

One run, on this machine's PostgreSQL (a fresh database, dropped afterwards unless --keep):
1. `callingtime serve` (gunicorn) and `callingtime worker` start against PostgreSQL, with the
   demo geography for postcode lookup, the rate limits on, and 127.0.0.1 as the trusted proxy;
   wrk sends every request as a different client in X-Forwarded-For, as a CDN would.
2. After --warm-seconds of each kind of POST (workers import the views on their first
   request), the empty CSRF-checked POST (`/-/post-probe`) under wrk, the framework's own
   ceiling here, for --probe-seconds before and again after step 3; the baseline is the mean.
3. Signing under wrk for --duration seconds: accepted signatures per second (rows in the
   database, not just answers), p50/p99 latency, error rate, and the ratio to step 2.
4. Confirmations pressed under wrk for --confirm-seconds, then the time until `count.json`
   equals the validated rows (the counter's freshness).
5. Reads of `count.json` and the petition page, from the app alone and through nginx with the
   cache configuration of deploy/nginx/callingtime.conf, and of the sign page from the app
   (it carries each visitor's CSRF token, so no cache may keep it).
Results are printed and written to bench/results/load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPTS = ROOT / "bench" / "wrk"
RESULTS = ROOT / "bench" / "results"
CLI = str(Path(sys.executable).with_name("callingtime"))
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "callingtime.conf"
DEMO_POSTCODES_SQL = (
    "SELECT pcds FROM postcode WHERE doterm IS NULL OR doterm = '' ORDER BY pcds LIMIT 400"
)
# The bar the issue sets, for the summary line.
SIGN_RATIO_TARGET = 0.5
SIGN_P99_TARGET_MS = 250.0
FRESHNESS_TARGET_S = 10.0
CACHED_READS_TARGET = 5000.0


@dataclass
class WrkResult:
    """What wrk reported for one phase."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx_3xx: int
    # wrk's socket errors by kind (connect, read, write, timeout): a read error is a
    # connection the server closed, a timeout an answer slower than 5 s.
    error_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def error_rate(self) -> float:
        return (self.errors + self.non_2xx_3xx) / self.requests if self.requests else 1.0


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def wrk_parse(output: str) -> WrkResult:
    """Parse `wrk --latency` output."""
    percentiles = dict(re.findall(r"^\s+(50|99)\.000%\s+(\S+)", output, flags=re.MULTILINE))
    if not percentiles:
        percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, flags=re.MULTILINE))
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+),", output)
    if done is None:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    seconds = float(done.group(2)) * {"s": 1.0, "ms": 0.001, "m": 60.0}[done.group(3)]
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    counts = socket_errors.groups() if socket_errors else ("0",) * 4
    kinds = zip(("connect", "read", "write", "timeout"), map(int, counts), strict=True)
    error_kinds = {kind: n for kind, n in kinds if n}
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(
        requests=int(done.group(1)),
        seconds=seconds,
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(percentiles["50"]),
        p99_ms=_ms(percentiles["99"]),
        errors=sum(error_kinds.values()),
        non_2xx_3xx=int(non_ok.group(1)) if non_ok else 0,
        error_kinds=error_kinds,
    )


def wrk_run(
    url: str, seconds: int, connections: int, script: Path | None, env: dict[str, str]
) -> WrkResult:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["-s", str(script)]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, env={**os.environ, **env}, check=True
    )
    return wrk_parse(done.stdout)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_http(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return json.load(response)


class Stack:
    """The database, the web server, the worker and nginx of one run."""

    def __init__(self, work: Path, db_name: str, web_workers: int) -> None:
        self.work = work
        self.db_name = db_name
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}",
            "CALLINGTIME_SECRET_KEY": "bench-only-secret-key-not-for-production",
            "CALLINGTIME_DATA_DIR": str(work / "data"),
            "CALLINGTIME_AREAS_DB": str(work / "areas.duckdb"),
            "CALLINGTIME_CRIME_DB": str(work / "crime.duckdb"),
            "CALLINGTIME_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CALLINGTIME_TRUSTED_PROXIES": "127.0.0.1",
            "CALLINGTIME_SITE_URL": self.base,
            "CALLINGTIME_EMAIL_BACKEND": "file",
            "CALLINGTIME_WEB_WORKERS": str(web_workers),
            "CALLINGTIME_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }

    def callingtime(self, *args: str, capture: bool = False) -> str:
        done = subprocess.run(
            [CLI, *args],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=capture,
            text=True,
        )
        return done.stdout if capture else ""

    def ask(self, *question: str) -> str:
        """Ask bench/load_db.py a question against this run's database; return its answer."""
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "load_db.py"), *question],
            env=self.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    def database_drop(self) -> None:
        pg = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["dropdb", *pg, "--if-exists", self.db_name], check=False)

    def prepare(self) -> None:
        self.database_drop()
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", self.db_name], check=True)
        (self.work / "data").mkdir(parents=True, exist_ok=True)
        if not (self.work / "areas.duckdb").exists():
            self.callingtime("demo", "load")
        self.callingtime("manage", "migrate", "--verbosity", "0")

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [CLI, *args],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(self.work / f"{args[0]}.log", "ab"),  # noqa: SIM115 - lives with the process
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def _demo_postcodes(stack: Stack) -> list[str]:
    import duckdb

    con = duckdb.connect(str(stack.work / "areas.duckdb"), read_only=True)
    try:
        return [row[0] for row in con.execute(DEMO_POSTCODES_SQL).fetchall()]
    finally:
        con.close()


def _csrf_token(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        cookies = response.headers.get_all("Set-Cookie") or []
    for cookie in cookies:
        match = re.match(r"csrftoken=([A-Za-z0-9]+)", cookie)
        if match:
            return match.group(1)
    raise RuntimeError(f"{url} set no CSRF cookie")


def nginx_site_for_bench(site: str, app_port: int, listen_port: int, cache: Path) -> str:
    """Return the deploy configuration pointed at this run: one local upstream, plain HTTP on
    loopback, no certificates, no redirect server, no access log; every cache rule unchanged."""
    site = re.sub(
        r"(upstream callingtime_web \{)[^}]*\}",
        rf"\1\n    server 127.0.0.1:{app_port};\n    keepalive 32;\n}}",
        site,
    )
    site = re.sub(r"server \{\s*listen 80;.*?return 301[^}]*\}", "", site, flags=re.DOTALL)
    site = re.sub(r"listen 443[^;]*;", f"listen 127.0.0.1:{listen_port};", site)
    site = re.sub(r"^\s*(listen \[::\]:443|ssl_certificate|access_log)[^;]*;", "", site, flags=re.M)
    return re.sub(r"proxy_cache_path\s+\S+", f"proxy_cache_path {cache}", site)


def _nginx_start(stack: Stack, port: int) -> subprocess.Popen[bytes]:
    """Run Debian's nginx with the deploy configuration, pointed at this run's server."""
    folder = stack.work / "nginx"
    (folder / "cache").mkdir(parents=True, exist_ok=True)
    (folder / "logs").mkdir(exist_ok=True)
    site = nginx_site_for_bench(NGINX_TEMPLATE.read_text(), stack.port, port, folder / "cache")
    main = (
        "worker_processes 1;\npid " + str(folder / "nginx.pid") + ";\n"
        "error_log " + str(folder / "logs" / "error.log") + " warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n  access_log off;\n"
        f"  client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi;"
        f" scgi_temp_path {folder}/scgi;\n" + site + "\n}\n"
    )
    config = folder / "nginx.conf"
    config.write_text(main)
    process = subprocess.Popen(
        ["nginx", "-c", str(config), "-p", str(folder), "-g", "daemon off;"],
        stderr=open(folder / "logs" / "stderr.log", "ab"),  # noqa: SIM115 - lives with nginx
        start_new_session=True,
    )
    stack.processes.append(process)
    return process


def _phases(stack: Stack, args: argparse.Namespace, results: dict[str, Any]) -> None:
    petition_id = int(stack.ask("demo-petition").splitlines()[-1])
    serve = ["--host", "127.0.0.1", "--port", str(stack.port), "--threads", str(args.threads)]
    stack.start("serve", *serve, "--worker-class", args.worker_class)
    # On this one machine the worker competes with the web server for two cores; in the
    # deployment docs/deploy.md describes it runs elsewhere, so by default it starts after
    # the signing phase (--worker-during-signing measures both on one box).
    if args.worker_during_signing:
        stack.start("worker")
    _wait_http(f"{stack.base}/healthz")
    sign_path = f"/petitions/{petition_id}/sign/"
    token = _csrf_token(stack.base + sign_path)
    env = {"CT_CSRF": token, "CT_POSTCODES": ",".join(_demo_postcodes(stack)), "CT_THREADS": "2"}

    def load(path: str, seconds: int, script: str | None, **extra: str) -> WrkResult:
        lua = WRK_SCRIPTS / script if script else None
        return wrk_run(
            stack.base + path, seconds, args.connections, lua, {**env, "CT_PATH": path, **extra}
        )

    # Each worker imports the URL map and the views on its first request, and PostgreSQL
    # prepares the INSERT on a connection's second use: warm both up before anything is timed,
    # so neither phase pays for the other's start.
    load("/-/post-probe", args.warm_seconds, "post.lua")
    load(sign_path, args.warm_seconds, "sign.lua")
    # The empty POST is measured before and after signing, and the ratio is to their mean:
    # on a shared machine the throughput of either can drift by a tenth over a few minutes.
    probe_before = load("/-/post-probe", args.probe_seconds, "post.lua")
    before = int(stack.ask("rows"))
    sign = load(sign_path, args.duration, "sign.lua")
    rows = int(stack.ask("rows")) - before
    probe_after = load("/-/post-probe", args.probe_seconds, "post.lua")
    signed_at = time.monotonic()
    if not args.worker_during_signing:
        stack.start("worker")
    accepted = rows / sign.seconds
    probe_rps = (probe_before.rps + probe_after.rps) / 2
    results["post_probe"] = {
        **asdict(probe_before),
        "rps": probe_rps,
        "rps_before": probe_before.rps,
        "rps_after": probe_after.rps,
        "p99_ms_after": probe_after.p99_ms,
    }
    results["sign"] = {
        **asdict(sign),
        "rows": rows,
        "accepted_per_second": accepted,
        "error_rate": sign.error_rate,
        "ratio_to_probe": accepted / probe_rps if probe_rps else 0.0,
    }

    # Everyone signed must be e-mailed before anyone can confirm.
    deadline = signed_at + 600
    while int(stack.ask("unprocessed")) and time.monotonic() < deadline:
        time.sleep(1)
    drained = time.monotonic() - signed_at
    tokens = stack.work / "tokens.txt"
    stack.ask("tokens", str(petition_id), str(tokens))
    confirm = load("/", args.confirm_seconds, "confirm.lua", CT_TOKENS=str(tokens))
    confirmed_at = time.monotonic()
    # Requests wrk had sent are still being answered when it stops, so the target moves a
    # little: the counts are fresh when count.json equals the validated rows of that moment.
    count_url = f"{stack.base}/petitions/{petition_id}/count.json"
    fresh_after = None
    validated = -1
    while time.monotonic() - confirmed_at < 120:
        validated = int(stack.ask("validated", str(petition_id)))
        if _get_json(count_url)["signature_count"] == validated:
            fresh_after = time.monotonic() - confirmed_at
            break
        time.sleep(0.2)
    results["confirm"] = {
        **asdict(confirm),
        "validated": validated,
        "processing_drained_after_signing_s": drained,
        "counts_fresh_after_s": fresh_after,
    }

    paths = {
        "count_json": f"/petitions/{petition_id}/count.json",
        "petition_page": f"/petitions/{petition_id}/",
    }
    reads: dict[str, Any] = {}
    for name, path in paths.items():
        reads[f"{name}_app"] = asdict(load(path, args.read_seconds, None))
    # Every signer loads the sign form once; it carries their CSRF token, so no cache can
    # answer for the app and only the app's own rate counts.
    reads["sign_page_app"] = asdict(load(sign_path, args.read_seconds, None))
    if not args.no_nginx and shutil.which("nginx") and NGINX_TEMPLATE.exists():
        nginx = f"http://127.0.0.1:{_free_port()}"
        _nginx_start(stack, int(nginx.rsplit(":", 1)[1]))
        _wait_http(f"{nginx}/healthz")
        for name, path in paths.items():
            cached = wrk_run(nginx + path, args.read_seconds, args.connections, None, {})
            reads[f"{name}_cached"] = asdict(cached)
    results["reads"] = reads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--probe-seconds", type=int, default=30)
    parser.add_argument("--warm-seconds", type=int, default=5)
    parser.add_argument("--confirm-seconds", type=int, default=20)
    parser.add_argument("--read-seconds", type=int, default=20)
    parser.add_argument("--web-workers", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1, help="threads per web worker")
    parser.add_argument(
        "--worker-class",
        choices=("sync", "gthread", "gevent"),
        # What docs/deploy.md recommends for the nodes that take signatures.
        default="gevent",
        help="gunicorn worker class (`callingtime serve --worker-class`)",
    )
    parser.add_argument("--db-name", default="callingtime_bench")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--no-nginx", action="store_true")
    parser.add_argument("--worker-during-signing", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.mkdtemp(prefix="callingtime-load-"))
    work.mkdir(parents=True, exist_ok=True)
    stack = Stack(work, args.db_name, args.web_workers)
    results: dict[str, Any] = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "worker_class": args.worker_class,
    }
    try:
        stack.prepare()
        _phases(stack, args, results)
    finally:
        stack.stop()
        if not args.keep:
            stack.database_drop()
            if args.work is None:
                shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(results, indent=2))
    _report(results)
    return 0


def _report(results: dict[str, Any]) -> None:
    sign, probe, confirm = results["sign"], results["post_probe"], results["confirm"]
    lines = [
        f"web server          gunicorn, {results.get('worker_class', 'sync')} workers",
        f"empty CSRF POST     {probe['rps']:8.0f} req/s (mean of {probe['rps_before']:.0f} before"
        f" and {probe['rps_after']:.0f} after signing)  p50 {probe['p50_ms']:.1f} ms"
        f"  p99 {probe['p99_ms']:.1f} ms",
        f"signing (accepted)  {sign['accepted_per_second']:8.0f} sig/s  p50 {sign['p50_ms']:.1f} ms"
        f"  p99 {sign['p99_ms']:.1f} ms  errors {sign['error_rate']:.2%}  rows {sign['rows']}",
        *([f"  socket errors {sign['error_kinds']}"] if sign.get("error_kinds") else []),
        f"  ratio to the empty POST {sign['ratio_to_probe']:.2f} (bar >= {SIGN_RATIO_TARGET};"
        f" p99 bar < {SIGN_P99_TARGET_MS:.0f} ms)",
        f"processing drained  {confirm['processing_drained_after_signing_s']:.1f} s after signing",
        f"confirmations       {confirm['rps']:8.0f} req/s, {confirm['validated']} validated;"
        f" counts fresh after {confirm['counts_fresh_after_s']} s"
        f" (bar <= {FRESHNESS_TARGET_S:.0f})",
    ]
    for name, read in results["reads"].items():
        errors = read["errors"] + read["non_2xx_3xx"]
        lines.append(
            f"{name:19s} {read['rps']:8.0f} req/s  p99 {read['p99_ms']:.1f} ms  errors {errors}"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
