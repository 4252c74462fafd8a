"""``list_entries(..., hashes=True)`` (``image ls --hash``): content that cannot be read.

A deleted file whose blocks cannot be read is listed without digests, with the reason; an allocated one stops the
listing with the error, after every entry before it (the listing hashes in a worker thread, reading ahead: what it
prints must not depend on that).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence import open_filesystem, open_image
from evidence.common.errors import ImageError, PartialError
from evidence.reading.listing import Listed, list_entries
from evidence.sources.base import ImageSource
from tests.evidence.support.craft import debugfs, ext_image
from tests.support.tools import runs_tools


class _Source(ImageSource):
    """An image source that records its reads and fails those touching the ``bad`` byte ranges."""

    def __init__(self, inner: ImageSource, bad: list[tuple[int, int]] | None = None) -> None:
        self.inner = inner
        self.format, self.segments, self.size, self.metadata = inner.format, inner.segments, inner.size, inner.metadata
        self.bad = bad or []
        self.reads: list[tuple[int, int]] = []

    def read_at(self, offset: int, length: int) -> bytes:
        self.reads.append((offset, length))
        for start, end in self.bad:
            if offset < end and start < offset + length:
                raise ImageError(f"bad sector at {start}")
        return self.inner.read_at(offset, length)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(scope="module")
@runs_tools
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ext4 with files large enough that TSK reads their blocks directly (not through its 64 KiB cache)."""
    directory = tmp_path_factory.mktemp("unreadable")
    tree = directory / "tree"
    tree.mkdir()
    for index, name in enumerate(["a", "gone", "b", "kept", "c"]):
        (tree / f"{name}.bin").write_bytes(bytes([65 + index]) * 300_000)
        (tree / f"{name}-small.txt").write_bytes(b"small " * (index + 1))
    path = ext_image(directory / "unreadable.img", tree, size="8M")
    debugfs(path, "rm gone.bin")
    return path


def _data_range(image: Path, name: str) -> tuple[int, int]:
    """512 bytes TSK reads for the content of ``name`` and for nothing else of a listing."""
    with open_image(image) as inner:
        source = _Source(inner)
        fs = open_filesystem(source)
        entry = next(e for e in fs.walk() if e.path == name)
        before = len(source.reads)
        fs.read(entry)
        own = source.reads[before:]
    with open_image(image) as inner:
        source = _Source(inner)
        for _item in list_entries(source, hashes=True):
            pass
        others = sorted((offset, offset + length) for offset, length in source.reads if (offset, length) not in own)
    for start, length in own:
        position = start
        for other_start, other_end in others:
            if other_start < position + 512 and position < other_end:
                position = other_end
        if position + 512 <= start + length:
            return position, position + 512
    raise AssertionError(f"every byte of {name} is also read for something else")


def _listing(image: Path, bad: list[tuple[int, int]]) -> tuple[list[Listed], Exception | None]:
    listed: list[Listed] = []
    with open_image(image) as inner:
        try:
            for item in list_entries(_Source(inner, bad), hashes=True):
                listed.append(item)
        except ImageError as exc:
            return listed, exc
    return listed, None


def test_a_deleted_file_that_cannot_be_read_is_listed_without_digests(image: Path) -> None:
    whole, error = _listing(image, [])
    assert error is None
    deleted = next(item for item in whole if item.entry.path == "gone.bin")
    assert not deleted.entry.allocated and deleted.digests is not None  # readable when nothing fails

    got, error = _listing(image, [_data_range(image, "gone.bin")])
    assert error is None
    assert [item.entry for item in got] == [item.entry for item in whole]
    for item, reference in zip(got, whole, strict=True):
        if item.entry.path == "gone.bin":
            assert item.digests is None
            assert item.error is not None and "bad sector" in item.error
        else:
            assert (item.digests, item.error) == (reference.digests, None)


def test_an_allocated_file_that_cannot_be_read_is_reported_and_the_listing_is_partial(image: Path) -> None:
    # issue 14: content that cannot be read is reported per file, the listing goes on, and it ends as partial
    whole, _error = _listing(image, [])
    with open_image(image) as inner:
        listing = list_entries(_Source(inner, [_data_range(image, "kept.bin")]), hashes=True)
        got = list(listing)
        assert [item.entry for item in got] == [item.entry for item in whole]
        for item, reference in zip(got, whole, strict=True):
            if item.entry.path == "kept.bin":
                assert item.digests is None and item.error is not None and "bad sector" in item.error
            else:
                assert (item.digests, item.error) == (reference.digests, reference.error)
        with pytest.raises(PartialError, match=r"partial listing: 1 problem .*kept\.bin .*content unreadable"):
            listing.check_complete()
