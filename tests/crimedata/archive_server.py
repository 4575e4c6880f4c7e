"""A local stand-in for the data.police.uk archive: http.server in a thread over a folder."""

from __future__ import annotations

import gzip
import threading
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""


def archive_zip_build(target: Path, members: Sequence[tuple[str, Path]]) -> Path:
    """Write a police.uk-style archive: each member name gets the un-gzipped real file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, source in members:
            zf.writestr(name, gzip.decompress(source.read_bytes()))
    return target


@contextmanager
def archive_serve(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on a free local port; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
