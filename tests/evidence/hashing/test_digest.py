"""The digest core: hashlib-shaped, any split of the input gives the same digests, prefix windows, size checks."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import blake3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.common.errors import IntegrityError, UsageError
from evidence.hashing.digest import (
    SHARE_LEEWAY,
    DigestStateError,
    MultiDigest,
    StreamHasher,
    digest_bytes,
    hashing_cost,
    labelled,
    parse_algorithms,
    thread_groups,
)

VECTORS = Path(__file__).resolve().parents[3] / "fixtures" / "vectors" / "blake3_test_vectors.json"
ALL = ("md5", "sha1", "sha256", "blake3")


def reference(name: str, data: bytes) -> bytes:
    """Digest computed directly with hashlib / blake3, independently of scelle."""
    if name == "blake3":
        return blake3.blake3(data).digest()
    return hashlib.new(name, data).digest()


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts})
    pieces, start = [], 0
    for point in [*points, len(data)]:
        pieces.append(data[start:point])
        start = point
    return pieces


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=20000),
    cuts=st.lists(st.integers(min_value=0, max_value=20000), max_size=12),
    threshold=st.sampled_from([1, 512, 1 << 20]),
    window=st.sampled_from([None, 1, 7, 4096]),
)
def test_one_shot_equals_any_pieces(data: bytes, cuts: list[int], threshold: int, window: int | None) -> None:
    one = MultiDigest(ALL, window=window, thread_threshold=threshold).update(data).result()
    pieces = MultiDigest(ALL, window=window, thread_threshold=threshold)
    for piece in split_at(data, cuts):
        assert pieces.update(piece) is pieces  # hashlib-shaped: update returns self
    many = pieces.result()
    assert many == one
    assert dict(one.digests) == {name: reference(name, data) for name in ALL}
    assert one.size == len(data)


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=5000), window=st.integers(min_value=1, max_value=1500))
def test_windows_are_prefix_digests(data: bytes, window: int) -> None:
    result = MultiDigest(("sha256", "blake3"), window=window).update(data).result()
    expected_ends = list(range(window, len(data) + 1, window))
    if data and len(data) % window:
        expected_ends.append(len(data))
    assert [w.end for w in result.windows] == expected_ends
    for w in result.windows:
        assert w.digests == {"sha256": reference("sha256", data[: w.end]), "blake3": reference("blake3", data[: w.end])}


def test_large_buffers_use_threads_and_still_agree() -> None:
    data = bytes(range(256)) * (3 * 4096 + 17)  # > 3 MiB, crosses the thread threshold
    view = memoryview(bytearray(data))
    digest = MultiDigest(ALL, window=1 << 20)
    digest.update(view[: 2 << 20]).update(view[2 << 20 :])
    assert digest.digests() == {name: reference(name, data) for name in ALL}


def test_blake3_official_vectors() -> None:
    vectors = json.loads(VECTORS.read_text())
    pattern = bytes(range(251))
    for case in vectors["cases"]:
        length = case["input_len"]
        data = (pattern * (length // 251 + 1))[:length]
        expected = case["hash"][:64]  # the vectors give 131-byte extended outputs; the default digest is 32 bytes
        assert digest_bytes(data, ["blake3"])["blake3"] == expected
        half = MultiDigest(["blake3"], thread_threshold=1).update(data[: length // 2]).update(data[length // 2 :])
        assert half.hexdigests()["blake3"] == expected


def test_copy_is_independent() -> None:
    digest = MultiDigest().update(b"abc")
    twin = digest.copy()
    twin.update(b"def")
    assert digest.hexdigests()["sha256"] == hashlib.sha256(b"abc").hexdigest()
    assert twin.hexdigests()["sha256"] == hashlib.sha256(b"abcdef").hexdigest()


def test_finalised_digest_refuses_updates_but_repeats_its_result() -> None:
    digest = MultiDigest().update(b"x")
    first = digest.digests()
    assert digest.digests() == first
    with pytest.raises(DigestStateError):
        digest.update(b"y")
    with pytest.raises(DigestStateError):
        digest.copy()


def test_expected_size_turns_short_and_long_streams_into_errors() -> None:
    with pytest.raises(IntegrityError, match="expected 10 bytes, hashed 9"):
        MultiDigest(expected_size=10).update(b"123456789").result()
    with pytest.raises(IntegrityError, match="got more"):
        MultiDigest(expected_size=3).update(b"1234")
    assert MultiDigest(expected_size=4).update(b"1234").result().size == 4


def test_non_byte_memoryviews_are_hashed_as_their_bytes() -> None:
    import array

    values = array.array("I", range(1000))
    assert digest_bytes(values, ["sha256"]).digests["sha256"] == hashlib.sha256(values.tobytes()).digest()


def test_algorithm_selection() -> None:
    assert parse_algorithms("md5,sha1") == ("md5", "sha1", "sha256", "blake3")
    assert parse_algorithms("SHA1, ") == ("sha1", "sha256", "blake3")
    assert parse_algorithms(["blake3"], base=()) == ("blake3",)
    with pytest.raises(UsageError, match="unknown hash algorithm 'crc32'"):
        parse_algorithms("crc32")
    with pytest.raises(UsageError, match="no hash algorithm"):
        parse_algorithms("", base=())


def test_stream_hasher_rejects_a_bad_window() -> None:
    with pytest.raises(UsageError):
        StreamHasher("sha256", 0)


def test_labelled() -> None:
    assert labelled("sha256", b"\x01\xff") == "sha256:01ff"
    assert labelled("md5", "abc") == "md5:abc"


@pytest.mark.parametrize("size", [0, 1, 4096, (1 << 20) + 1])
def test_digest_bytes_small_and_large(size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    assert digest_bytes(data).digests == {name: reference(name, data) for name in ("sha256", "blake3")}
    result = digest_bytes(bytearray(data), ALL)
    assert (result.size, result.digests) == (size, {name: reference(name, data) for name in ALL})


@pytest.mark.parametrize(
    "names", [("md5", "sha1", "sha256", "blake3"), ("sha1", "sha256", "blake3"), ("md5", "blake3"), ("sha256",)]
)
def test_thread_groups_keep_the_slowest_alone_and_share_within_its_cost(names: tuple[str, ...]) -> None:
    hashers = [StreamHasher(name) for name in names]
    groups = thread_groups(hashers)
    assert sorted(id(h) for group in groups for h in group) == sorted(map(id, hashers))  # each exactly once
    slowest = max(hashing_cost(name) for name in names)
    assert len(names) <= 2 or groups[0] == [max(hashers, key=lambda h: hashing_cost(h.name))]
    for group in groups[1:]:
        assert len(group) == 1 or sum(hashing_cost(h.name) for h in group) <= slowest * SHARE_LEEWAY
    loads = [sum(hashing_cost(h.name) for h in group) for group in groups[1:]]
    for i, first in enumerate(loads):  # as few threads as that allows: no two sharing threads could be one
        assert all(first + second > slowest * SHARE_LEEWAY for second in loads[i + 1 :])


def test_hashing_cost_is_measured_once_and_positive() -> None:
    assert all(hashing_cost(name) > 0 for name in ("md5", "sha1", "sha256", "blake3"))
    assert hashing_cost("md5") is hashing_cost("md5")
