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


# Keys are petition ids from URLs, which anyone can make up: past this many, stale values go.
MOST_KEYS = 1_000


class RecentValues(Generic[K, V]):
    """A per-process cache of values read again once they are `seconds` old, one read a key."""

    def __init__(self, seconds: float, most_keys: int = MOST_KEYS) -> None:
        self.seconds = seconds
        self.most_keys = most_keys
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
        if len(self._values) >= self.most_keys and key not in self._values:
            self._forget_stale(now)
        self._values[key] = (now, value)
        return value

    def _forget_stale(self, now: float) -> None:
        # Made-up keys would otherwise grow the cache without end; if every value is fresh,
        # all go, and the real keys are read again within the second.
        fresh = {k: v for k, v in self._values.items() if now - v[0] < self.seconds}
        self._values = fresh if len(fresh) < self.most_keys else {}

    def clear(self) -> None:
        """Forget every value (a save in this process means they are wrong now)."""
        self._values.clear()
