"""Per-file digests (image ls --hash, extract): one-shot for one chunk, streaming for more, same digests; a listing
hashes in a worker thread and gives every item its own digests, in order."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace

import blake3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.common.errors import FileSystemError
from evidence.hashing import files as file_digests
from evidence.hashing.files import digest_chunks, digest_in_order


@pytest.mark.parametrize(
    "chunks",
    [
        [],
        [b""],
        [b"abc"],
        [b"ab", b"c"],
        [b"a", b"", b"bc"],
        [bytes(3 << 20)],
        [bytes(1 << 20), bytes(5), bytes(2 << 20)],
    ],
)
def test_digest_chunks_equals_hashlib_over_the_concatenation(chunks: list[bytes]) -> None:
    data = b"".join(chunks)
    result = digest_chunks(iter(chunks))
    assert result.size == len(data)
    assert result == {"sha256": hashlib.sha256(data).hexdigest(), "blake3": blake3.blake3(data).hexdigest()}


# -- digest_in_order: the listing's pipeline (reading here, hashing in a worker thread) -----------------------------


def _expected(chunks: list[bytes]) -> dict[str, str]:
    data = b"".join(chunks)
    return {"sha256": hashlib.sha256(data).hexdigest(), "blake3": blake3.blake3(data).hexdigest()}


class _Unreadable:
    """Chunks that fail after ``good`` of them, as a deleted file whose blocks cannot be read."""

    def __init__(self, good: list[bytes]) -> None:
        self.good = good

    def __iter__(self) -> Iterator[bytes]:
        yield from self.good
        raise FileSystemError("read error")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.lists(st.binary(max_size=40).map(lambda b: b * 97), max_size=4)),
        max_size=25,
    ),
    st.sampled_from([0, 1, 3000, 1 << 20]),
    st.sampled_from([1, 5000, 1 << 20]),
)
def test_digest_in_order_gives_each_item_its_digests_in_order(
    items: list[list[bytes] | None], offload: int, read_ahead: int
) -> None:
    got = list(digest_in_order(enumerate(items), read_ahead=read_ahead, offload=offload))
    assert [index for index, _digests, _error in got] == list(range(len(items)))
    for (_index, digests, error), chunks in zip(got, items, strict=True):
        assert error is None
        assert digests == (None if chunks is None else _expected(chunks))


@pytest.mark.parametrize("offload", [0, 1 << 20])
def test_an_unreadable_item_comes_back_with_its_error_in_its_place(offload: int) -> None:
    items: list[tuple[str, object]] = [
        ("big", [bytes(50_000), b"x"]),
        ("dir", None),
        ("bad-first", _Unreadable([])),
        ("bad-later", _Unreadable([b"a" * 70_000, b"b" * 10])),  # the worker saw part of it: it must forget it
        ("after", [b"c" * 70_000, b"d"]),
        ("small", [b"e"]),
    ]
    got = list(digest_in_order(items, offload=offload))  # type: ignore[arg-type]
    assert [name for name, _d, _e in got] == [name for name, _chunks in items]
    by_name = {name: (digests, error) for name, digests, error in got}
    for name in ("bad-first", "bad-later"):
        digests, error = by_name[name]
        assert digests is None and isinstance(error, FileSystemError)
    assert by_name["after"] == (_expected([b"c" * 70_000, b"d"]), None)
    assert by_name["big"] == (_expected([bytes(50_000), b"x"]), None)
    assert by_name["small"] == (_expected([b"e"]), None)
    assert by_name["dir"] == (None, None)


def test_an_error_of_the_walk_itself_comes_after_the_items_before_it() -> None:
    def walk() -> Iterator[tuple[int, list[bytes] | None]]:
        yield 0, [bytes(100_000)]
        yield 1, None
        raise FileSystemError("directory gone")

    seen: list[int] = []
    with pytest.raises(FileSystemError, match="directory gone"):
        for index, digests, _error in digest_in_order(walk(), offload=0):
            assert index != 0 or digests == _expected([bytes(100_000)])
            seen.append(index)
    assert seen == [0, 1]


def test_a_failure_of_the_hashing_thread_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_data: bytes = b"") -> object:
        raise MemoryError("no room")

    monkeypatch.setattr(file_digests, "hashlib", SimpleNamespace(sha256=broken))
    with pytest.raises(MemoryError, match="no room"):
        list(digest_in_order([(0, [bytes(100_000)])], offload=0))


def test_the_hashing_thread_ends_when_the_listing_stops_early() -> None:
    items = [(index, [bytes(30_000 + index)]) for index in range(50)]
    listing = digest_in_order(items, offload=0)
    assert next(listing)[0] == 0
    assert any(thread.name == "scelle-file-digests" for thread in threading.enumerate())
    listing.close()
    deadline = time.monotonic() + 10
    while any(thread.name == "scelle-file-digests" for thread in threading.enumerate()):
        assert time.monotonic() < deadline, "the hashing thread is still running"
        time.sleep(0.01)
