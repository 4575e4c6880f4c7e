"""Paper petitions on the production mode: print a 500-sheet pack, then key sheets and sign.

    .venv/bin/python bench/paper.py [--sheets 500] [--seconds 20] [--clients 4]
        [--web-workers N] [--work DIR] [--keep]

One run, on this machine's PostgreSQL (a fresh database, dropped afterwards unless --keep):
1. `callingtime paper new-pack` makes a pack of --sheets sheets of 20 lines on the demo
   petition, and `callingtime paper pack-pdf` renders it: wall time, pages and file size.
2. `callingtime serve` (gunicorn) starts. --clients data-entry volunteers sign in and key
   20-line sheets through the real keying view (one POST per sheet, as the page sends it) for
   --seconds: sheets and rows per second, latency per sheet, errors.
3. The same clients sign the petition online (one POST per signature) for --seconds: rows per
   second and latency. Both phases use the same Python HTTP driver, so the ratio of keyed rows
   per second to signed rows per second compares the two paths, not two load generators.
Rows are counted in the database, not from the answers. Results go to bench/results/paper.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import RESULTS, ROOT, Stack, _wait_http

PASSWORD = "bench-only-password-1234"  # noqa: S105 - a throwaway database
ROWS = 20
_COOKIE = re.compile(r"^([^=;]+)=([^;]*)")
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """One keep-alive HTTP connection with its own cookies, like one browser tab."""

    def __init__(self, base: str) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, ip: str = ""
    ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if ip:
            headers["X-Forwarded-For"] = ip
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            match = _COOKIE.match(header)
            if match:
                self.cookies[match.group(1)] = match.group(2)
        return response.status, text

    def sign_in(self, username: str) -> None:
        status, page = self.request("GET", "/staff/login/")
        token = _TOKEN.search(page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page answered {status}")
        form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
        status, _ = self.request("POST", "/staff/login/", form)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"signing in as {username} answered {status}")

    def csrf(self) -> str:
        return self.cookies["csrftoken"]


@dataclass
class Phase:
    """What one timed phase measured (latencies in ms, per request)."""

    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def summary(self, rows: int) -> dict[str, Any]:
        ordered = sorted(self.latencies) or [0.0]
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": self.seconds,
            "rows": rows,
            "rows_per_second": rows / self.seconds if self.seconds else 0.0,
            "requests_per_second": self.requests / self.seconds if self.seconds else 0.0,
            "p50_ms": statistics.median(ordered),
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        }


def _run_clients(clients: list[Client], seconds: float, step: Any, phase: Phase) -> None:
    """Call step(client) on every client in its own thread until the time is up."""
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop(client: Client) -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            ok = step(client)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok is None:
                    return
                phase.requests += 1
                phase.latencies.append(elapsed)
                if not ok:
                    phase.errors += 1

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.monotonic() - started


def _sheet_form(client: Client, postcodes: list[str], sheet_number: int) -> dict[str, str]:
    form = {"csrfmiddlewaretoken": client.csrf(), "signed_lines": str(ROWS)}
    for line in range(1, ROWS + 1):
        form[f"name_{line}"] = f"Resident {sheet_number}-{line}"
        form[f"postcode_{line}"] = random.choice(postcodes)
        if line % 4 == 0:
            form[f"email_{line}"] = f"resident{sheet_number}.{line}@example.org"
            form[f"opt_in_{line}"] = "on"
    return form


def _paper_ask(stack: Stack, *question: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "paper_db.py"), *question],
        env=stack.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.split()


def _pack_phase(stack: Stack, petition_id: int, sheets: int) -> tuple[dict[str, Any], int]:
    made = json.loads(
        stack.callingtime(
            "paper", "new-pack", str(petition_id), "--sheets", str(sheets), "--json", capture=True
        )
    )
    output = stack.work / "pack.pdf"
    started = time.monotonic()
    stack.callingtime(
        "paper", "pack-pdf", str(made["pack"]), "--output", str(output), "--json", capture=True
    )
    seconds = time.monotonic() - started
    pages = 0
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(output)], capture_output=True, text=True, check=True)
        pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    size = output.stat().st_size
    result = {
        "sheets": sheets,
        "pages": pages,
        "seconds": seconds,
        "bytes": size,
        "kilobytes_per_sheet": size / 1024 / sheets,
        "sheets_per_second": sheets / seconds,
    }
    return result, int(made["pack"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sheets", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--web-workers", type=int, default=0)
    parser.add_argument("--db-name", default="callingtime_bench_paper")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="callingtime-paper-"))
    work.mkdir(parents=True, exist_ok=True)
    stack = Stack(work, args.db_name, args.web_workers)
    results: dict[str, Any] = {"machine": platform.platform(), "cpus": os.cpu_count()}
    try:
        stack.prepare()
        petition_id = int(stack.ask("demo-petition").splitlines()[-1])
        results["pack"], pack_id = _pack_phase(stack, petition_id, args.sheets)
        # Enough blank sheets for the keying phase at any plausible speed.
        sheet_ids = _paper_ask(stack, "sheets", str(pack_id))
        while len(sheet_ids) < 4000:
            extra = json.loads(
                stack.callingtime(
                    "paper", "new-pack", str(petition_id), "--sheets", "500", "--json", capture=True
                )
            )
            sheet_ids += _paper_ask(stack, "sheets", str(extra["pack"]))
        keyers = _paper_ask(stack, "keyers", str(petition_id), str(args.clients), PASSWORD)
        stack.start("serve", "--host", "127.0.0.1", "--port", str(stack.port))
        _wait_http(f"{stack.base}/healthz")
        postcodes = _postcodes(stack)
        results.update(_keying_and_signing(stack, args, petition_id, keyers, sheet_ids, postcodes))
    finally:
        stack.stop()
        if not args.keep:
            stack.database_drop()
            if args.work is None:
                shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "paper.json").write_text(json.dumps(results, indent=2))
    _report(results)
    return 0


def _postcodes(stack: Stack) -> list[str]:
    import duckdb

    con = duckdb.connect(str(stack.work / "areas.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "SELECT pcds FROM postcode WHERE doterm IS NULL OR doterm = '' ORDER BY pcds LIMIT 400"
        ).fetchall()
    finally:
        con.close()
    return [row[0] for row in rows]


def _keying_and_signing(
    stack: Stack,
    args: argparse.Namespace,
    petition_id: int,
    keyers: list[str],
    sheet_ids: list[str],
    postcodes: list[str],
) -> dict[str, Any]:
    clients = [Client(stack.base) for _ in keyers]
    for client, username in zip(clients, keyers, strict=True):
        client.sign_in(username)
    queue = list(reversed(sheet_ids))
    queue_lock = threading.Lock()

    def key_one(client: Client) -> bool | None:
        with queue_lock:
            if not queue:
                return None
            sheet_id = queue.pop()
        path = f"/staff/petitions/{petition_id}/paper/sheets/{sheet_id}/key/"
        status, _ = client.request("POST", path, _sheet_form(client, postcodes, int(sheet_id)))
        return status == 302

    paper_before = int(_paper_ask(stack, "paper-rows", str(petition_id))[0])
    keying = Phase()
    _run_clients(clients, args.seconds, key_one, keying)
    paper_rows = int(_paper_ask(stack, "paper-rows", str(petition_id))[0]) - paper_before

    signers = [Client(stack.base) for _ in keyers]
    sign_path = f"/petitions/{petition_id}/sign/"
    for client in signers:
        client.request("GET", sign_path)
    counter = iter(range(10**9))

    def sign_one(client: Client) -> bool:
        n = next(counter)
        form = {
            "csrfmiddlewaretoken": client.csrf(),
            "name": f"Online Signer {n}",
            "email": f"online{n}@example.org",
            "postcode": random.choice(postcodes),
            "uk_resident": "on",
        }
        ip = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        status, _ = client.request("POST", sign_path, form, ip=ip)
        return status == 303

    online_before = int(_paper_ask(stack, "online-rows", str(petition_id))[0])
    signing = Phase()
    _run_clients(signers, args.seconds, sign_one, signing)
    online_rows = int(_paper_ask(stack, "online-rows", str(petition_id))[0]) - online_before
    keyed = keying.summary(paper_rows)
    signed = signing.summary(online_rows)
    return {
        "keying": {**keyed, "sheets_per_second": keyed["requests_per_second"]},
        "signing": signed,
        "keyed_rows_to_signed_rows": (
            keyed["rows_per_second"] / signed["rows_per_second"]
            if signed["rows_per_second"]
            else 0.0
        ),
        "clients": args.clients,
    }


def _report(results: dict[str, Any]) -> None:
    pack = results["pack"]
    print(
        f"pack: {pack['sheets']} sheets ({pack['pages']} pages) "
        f"rendered in {pack['seconds']:.1f} s "
        f"({pack['sheets_per_second']:.1f} sheets/s), {pack['bytes'] / 1e6:.2f} MB "
        f"({pack['kilobytes_per_sheet']:.1f} kB a sheet)"
    )
    if "keying" not in results:
        return
    keyed, signed = results["keying"], results["signing"]
    print(
        f"keying: {keyed['rows_per_second']:.0f} rows/s ({keyed['sheets_per_second']:.1f} sheets/s "
        f"of {ROWS} lines), p50 {keyed['p50_ms']:.0f} ms p99 {keyed['p99_ms']:.0f} ms a sheet, "
        f"{keyed['errors']} errors, {keyed['rows']} rows in the database"
    )
    print(
        f"online signing, same clients: {signed['rows_per_second']:.0f} rows/s, "
        f"p50 {signed['p50_ms']:.0f} ms p99 {signed['p99_ms']:.0f} ms, {signed['errors']} errors"
    )
    print(
        "keyed rows per second / signed rows per second: "
        f"{results['keyed_rows_to_signed_rows']:.2f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
