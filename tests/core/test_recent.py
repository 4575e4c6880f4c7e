"""The per-process recent-values cache: one read a key, stale values served during it."""

from __future__ import annotations

import time

import pytest

from callingtime.core.recent import RecentValues


class _Reads:
    """A read that counts its calls and can look into the cache while it runs."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.during: list[str | None] = []
        self.cache: RecentValues[str, str | None] | None = None

    def __call__(self, key: str) -> str | None:
        self.keys.append(key)
        if self.cache is not None and len(self.keys) > 1:
            # Another request arriving while this read runs.
            self.during.append(self.cache.get(key, self))
        return None if key == "missing" else f"{key} #{len(self.keys)}"


def test_a_fresh_value_is_read_once() -> None:
    reads = _Reads()
    cache: RecentValues[str, str | None] = RecentValues(seconds=60)
    assert cache.get("a", reads) == "a #1"
    assert cache.get("a", reads) == "a #1"
    assert reads.keys == ["a"]


def test_a_stale_value_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = _Reads()
    cache: RecentValues[str, str | None] = RecentValues(seconds=1)
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now)
    cache.get("a", reads)
    monkeypatch.setattr(time, "monotonic", lambda: now + 0.99)
    assert cache.get("a", reads) == "a #1"
    monkeypatch.setattr(time, "monotonic", lambda: now + 1.0)
    assert cache.get("a", reads) == "a #2"
    assert reads.keys == ["a", "a"]


def test_requests_during_a_read_get_the_stale_value_not_another_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = _Reads()
    cache: RecentValues[str, str | None] = RecentValues(seconds=1)
    reads.cache = cache
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now)
    cache.get("a", reads)
    monkeypatch.setattr(time, "monotonic", lambda: now + 5)
    assert cache.get("a", reads) == "a #2"
    assert reads.during == ["a #1"]
    assert reads.keys == ["a", "a"]


def test_a_key_never_read_is_read_even_while_another_is(monkeypatch: pytest.MonkeyPatch) -> None:
    cache: RecentValues[str, str] = RecentValues(seconds=1)
    seen: list[str] = []

    def read(key: str) -> str:
        seen.append(key)
        if key == "a":
            assert cache.get("b", read) == "b"
        return key

    assert cache.get("a", read) == "a"
    assert seen == ["a", "b"]


def test_none_is_kept_like_any_value_and_clear_forgets_everything() -> None:
    reads = _Reads()
    cache: RecentValues[str, str | None] = RecentValues(seconds=60)
    assert cache.get("missing", reads) is None
    assert cache.get("missing", reads) is None
    assert reads.keys == ["missing"]
    cache.clear()
    assert cache.get("missing", reads) is None
    assert reads.keys == ["missing", "missing"]


def test_a_failed_read_keeps_nothing_and_the_next_request_reads() -> None:
    cache: RecentValues[str, str] = RecentValues(seconds=60)

    def broken(key: str) -> str:
        raise ConnectionError("database gone")

    with pytest.raises(ConnectionError):
        cache.get("a", broken)
    assert cache.get("a", lambda key: "back") == "back"


def test_made_up_keys_cannot_grow_the_cache_without_end(monkeypatch: pytest.MonkeyPatch) -> None:
    cache: RecentValues[int, int] = RecentValues(seconds=1, most_keys=10)
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now)
    for key in range(25):
        cache.get(key, lambda k: k)
    assert len(cache._values) <= 10
    for key in range(25, 40):
        cache.get(key, lambda k: k)
    assert len(cache._values) == 10
    monkeypatch.setattr(time, "monotonic", lambda: now + 2)
    cache.get(99, lambda k: k)
    assert list(cache._values) == [99]
