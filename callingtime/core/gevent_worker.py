"""gunicorn's gevent worker, made fair between the connections it keeps alive.

A gevent greenlet only yields when it would block. After answering a request on a kept-alive
connection it reads the next one; when the client has already sent it (wrk does, and so does
a proxy with requests queued), nothing blocks, and the same connection is served again and
again while others wait. Under load that left most requests answered in a millisecond and
some after two seconds or more. Yielding to the hub once a request puts each connection's
next request behind the others that are ready.

gunicorn loads this class in its master by the dotted path `callingtime serve` gives it; the
worker patches the standard library itself when it starts, as gunicorn's own gevent worker
does.
"""

from __future__ import annotations

from typing import Any

import gevent
from gunicorn.workers.ggevent import GeventWorker


class FairGeventWorker(GeventWorker):  # type: ignore[misc]  # gunicorn ships no types
    """A gevent worker that lets every ready connection go before serving one again."""

    def handle_request(self, listener_name: Any, req: Any, sock: Any, addr: Any) -> Any:
        handled = super().handle_request(listener_name, req, sock, addr)
        gevent.sleep(0)  # to the back of the hub's queue, behind the other ready greenlets
        return handled
