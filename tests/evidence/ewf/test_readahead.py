"""The chunk cache with read-ahead (evidence.ewf.readahead): what it returns, what it fetches and when."""

from __future__ import annotations

import threading

from evidence.ewf.readahead import ReadAhead


class _Store:
    """Chunk ``i`` is ``i`` repeated; chunks in ``bad`` fail their check. Records which thread fetched what."""

    def __init__(self, bad: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        self.bad = bad
        self.calls: list[tuple[int, str]] = []
        self.lock = threading.Lock()

    def fetch(self, index: int) -> bytes | None:
        with self.lock:
            self.calls.append((index, threading.current_thread().name))
        return None if index in self.bad else bytes([index % 256]) * 16


def test_a_forward_walk_is_fetched_ahead_in_the_background_and_each_chunk_once() -> None:
    store = _Store()
    ahead = ReadAhead(store.fetch, 100, capacity=32, ahead=8)
    try:
        for index in range(40):
            assert ahead.get(index) == bytes([index]) * 16
    finally:
        ahead.close()
    fetched = [index for index, _thread in store.calls]
    assert sorted(fetched) == sorted(set(fetched)), "a chunk was fetched twice"
    assert set(range(40)) <= set(fetched)
    background = {index for index, thread in store.calls if thread.startswith("scelle-readahead")}
    assert len(background) >= 30, background  # all but the first chunk or two come from the read-ahead
    assert max(fetched) < 40 + 8  # never further than the window


def test_random_reads_fetch_nothing_ahead_and_repeated_reads_hit_the_cache() -> None:
    store = _Store()
    ahead = ReadAhead(store.fetch, 100, capacity=32, ahead=8)
    try:
        for index in (50, 10, 70, 10, 50, 30):
            assert ahead.get(index) == bytes([index]) * 16
    finally:
        ahead.close()
    assert [index for index, _ in store.calls] == [50, 10, 70, 30]
    assert all(not thread.startswith("scelle-readahead") for _, thread in store.calls)


def test_a_chunk_that_fails_its_check_is_never_cached() -> None:
    store = _Store(bad={5})
    ahead = ReadAhead(store.fetch, 20, capacity=32, ahead=4)
    try:
        for index in range(5):
            ahead.get(index)
        assert ahead.get(5) is None
        assert ahead.get(5) is None  # asked again: fetched again, the caller then reads it through libewf
    finally:
        ahead.close()
    assert sum(1 for index, _ in store.calls if index == 5) >= 2


def test_the_window_stops_at_the_last_chunk_and_close_is_idempotent() -> None:
    store = _Store()
    ahead = ReadAhead(store.fetch, 10, capacity=32, ahead=8)
    for index in range(10):
        assert ahead.get(index) == bytes([index]) * 16
    ahead.close()
    ahead.close()
    assert max(index for index, _ in store.calls) == 9
    assert ahead.get(3) == bytes([3]) * 16  # still answers after close, without a thread
