"""Whole-stream hashing (image hash, verification) through the read-once pipeline."""

from __future__ import annotations

import io
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from evidence.common.errors import ImageError, IntegrityError, UsageError
from evidence.hashing.pipeline import BACKGROUND_NICENESS, Pipeline, UnreadableRange
from evidence.hashing.streams import digest_file, digest_media, digest_stream
from evidence.sources import open_image
from tests.evidence.support.acquisition import MiB, make_source, reference_digests
from tests.evidence.support.images import IMAGES, MEDIA_SHA256


def test_file_objects_and_callables_give_the_same_digests(tmp_path: Path) -> None:
    data = make_source(tmp_path / "f", 2 * MiB + 11)
    from_file = digest_stream(io.BytesIO(data), len(data))
    stream = io.BytesIO(data)
    from_callable = digest_stream(stream.readinto, None, window=MiB)
    assert from_file.hexdigests() == from_callable.hexdigests() == reference_digests(data)
    assert [w.end for w in from_callable.windows] == [MiB, 2 * MiB, len(data)]


def test_a_stream_shorter_or_longer_than_announced_is_an_error() -> None:
    with pytest.raises(IntegrityError, match="ended after 10 bytes, expected 11"):
        digest_stream(io.BytesIO(b"0123456789"), 11)
    with pytest.raises(IntegrityError, match="longer than the expected 9 bytes"):
        digest_stream(io.BytesIO(b"0123456789"), 9)


@pytest.mark.parametrize("name", ["sleuthkit/image.dd", "pytsk/tsk_volume_system.raw"])
def test_digest_file_matches_the_fixture_records(name: str) -> None:
    size, sha256 = MEDIA_SHA256[name]
    result = digest_file(IMAGES / name)
    assert (result.size, result.hexdigests()["sha256"]) == (size, sha256)


@pytest.mark.parametrize("name", ["dfvfs/ext2.E01", "dfvfs/ext2.split.E01", "e01-rs/mimage.E01"])
def test_digest_media_of_ewf_images_matches_the_fixture_records(name: str) -> None:
    size, sha256 = MEDIA_SHA256[name]
    with open_image(IMAGES / name) as image:
        result = digest_media(image, ["sha256"])
    assert (result.size, result.hexdigests()["sha256"]) == (size, sha256)


def test_digest_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="nope"):
        digest_file(tmp_path / "nope")


def test_a_failing_consumer_stops_the_pipeline_without_hanging(tmp_path: Path) -> None:
    data = make_source(tmp_path / "f", 8 * MiB)
    seen: list[int] = []

    def broken(offset: int, view: memoryview, unreadable: Sequence[UnreadableRange]) -> None:
        seen.append(offset)
        if offset >= MiB:
            raise ValueError("disk full")

    before = threading.active_count()
    with pytest.raises(ValueError, match="disk full"):
        digest_stream(io.BytesIO(data), len(data), extra_consumers=[broken], buffer_size=MiB, depth=2)
    assert seen[:2] == [0, MiB]
    assert len(seen) < 8  # the reader stopped early instead of reading everything
    assert threading.active_count() == before  # every consumer thread was joined


def test_pipeline_settings_are_checked() -> None:
    with pytest.raises(UsageError):
        Pipeline([], buffer_size=MiB)
    with pytest.raises(UsageError):
        Pipeline([lambda o, d, u: None], buffer_size=1024)
    with pytest.raises(UsageError):
        Pipeline([lambda o, d, u: None], depth=1)


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread priorities are a Linux feature")
def test_the_consumers_off_the_critical_path_run_at_a_lower_priority() -> None:
    base = os.getpriority(os.PRIO_PROCESS, 0)
    seen: dict[int, set[int]] = {0: set(), 1: set(), 2: set()}

    def recorder(index: int) -> Callable[[int, memoryview, Sequence[UnreadableRange]], None]:
        def consume(offset: int, view: memoryview, unreadable: Sequence[UnreadableRange]) -> None:
            seen[index].add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

        return consume

    data = bytes(3 * MiB)
    stream = io.BytesIO(data)
    Pipeline([recorder(0), recorder(1), recorder(2)], critical=1).run(
        lambda offset, view: (stream.readinto(view), []), len(data)
    )
    assert seen[1] == {base}
    assert seen[0] == seen[2] == {min(19, base + BACKGROUND_NICENESS)}
    assert os.getpriority(os.PRIO_PROCESS, 0) == base  # the calling thread keeps its priority
