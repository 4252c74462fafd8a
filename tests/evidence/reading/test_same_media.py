"""The same media in different containers gives the same walk, digests and volumes.

The groups hold the same media according to fixtures/images/SOURCES.md (equal img_cat MD5 of the media).
"""

from __future__ import annotations

import pytest

from evidence import list_volumes, open_image
from evidence.reading.listing import list_entries
from tests.evidence.support.images import IMAGES

SAME_MEDIA = {
    "196066ad (ext2)": ["dfvfs/ext2.splitraw.000", "dfvfs/ext2.E01", "dfvfs/ext2.split.E01"],
    "d73c51f1 (ext2)": ["pytsk/image.raw", "plaso/image.E01"],
    "3ebb0b7d (ext2)": ["sleuthkit/image.dd", "sleuthkit/image.E01"],
    "38ea5af8 (MBR, ext2)": ["pytsk/tsk_volume_system.raw", "plaso/image-split.E01"],
}


def snapshot(name: str) -> tuple[list[object], list[dict[str, object]]]:
    with open_image(IMAGES / name) as source:
        volumes = [(v.index, v.start_sector, v.sector_count, v.description) for v in list_volumes(source)]
        entries = [
            listed.entry.to_json(with_hashes=True, **(listed.digests or {}))
            for listed in list_entries(source, hashes=True)
        ]
    return volumes, entries


@pytest.mark.parametrize("group", sorted(SAME_MEDIA))
def test_raw_and_ewf_of_the_same_media_read_the_same(group: str) -> None:
    first, *others = SAME_MEDIA[group]
    reference = snapshot(first)
    assert reference[1], "the walk found nothing"
    if "MBR" not in group:  # the MBR image's file system holds no regular file (SOURCES.md: e2/d1/f0)
        assert any(entry["sha256"] for entry in reference[1])
    for other in others:
        assert snapshot(other) == reference, other
