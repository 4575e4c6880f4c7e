"""Values a process reads from the database at most once a second, for the spike's hot pages.

A gevent worker holds hundreds of requests at once. When a cached value went stale, every
one of them would read it again, each with a pooled connection, and the rest would queue for
the pool: a stall once a second. Here the first request to find it stale reads it; the others
go on with the stale value, a few milliseconds older, until that read is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentValues(Generic[K, V]):
    """A per-process cache of values read again once they are `seconds` old, one read a key."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._values: dict[K, tuple[float, V]] = {}
        self._reading: set[K] = set()

    def get(self, key: K, read: Callable[[K], V]) -> V:
        """Return the key's value, from `read(key)` when there is none or it is stale."""
        cached = self._values.get(key)
        now = time.monotonic()
        if cached is not None and (now - cached[0] < self.seconds or key in self._reading):
            return cached[1]
        self._reading.add(key)
        try:
            value = read(key)
        finally:
            self._reading.discard(key)
        self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        """Forget every value (a save in this process means they are wrong now)."""
        self._values.clear()
