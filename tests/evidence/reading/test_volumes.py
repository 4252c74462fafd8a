"""Volumes: MBR with extended partitions, GPT with 512- and 4096-byte sectors, no table, partitions past the end."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence import list_volumes, open_filesystem, open_image
from evidence.common.errors import VolumeError
from evidence.reading.describe import describe_image
from tests.evidence.support.craft import ext_image, gpt_disk, mbr, mbr_entry, place
from tests.evidence.support.images import IMAGES
from tests.support.tools import runs_tools


def test_mbr_with_extended_partition_lists_logical_partition() -> None:
    with open_image(IMAGES / "pytsk/tsk_volume_system.raw") as source:
        volumes = list_volumes(source)
        partitions = [v for v in volumes if v.allocated]
        # documented by py4n6/pytsk and dfvfs: p1 350 sectors at 1, logical p2 (address 6) 2528 sectors at 352
        assert [(v.index, v.start_sector, v.sector_count) for v in partitions] == [(2, 1, 350), (6, 352, 2528)]
        assert partitions[1].slot == "001:000"
        assert partitions[1].offset == 352 * 512 and partitions[1].length == 2528 * 512
        fs = open_filesystem(source, 6)
        assert fs.info.type == "Ext2"
        assert fs.partition == 6


def test_image_without_table_is_one_whole_volume() -> None:
    with open_image(IMAGES / "sleuthkit/image.dd") as source:
        (volume,) = list_volumes(source)
        assert volume.index is None and volume.offset == 0 and volume.length == source.size
        assert open_filesystem(source).partition is None


@pytest.fixture(scope="module")
@runs_tools
def small_ext(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("ext")
    (directory / "tree").mkdir()
    (directory / "tree" / "hello.txt").write_bytes(b"hello from a partition")
    return ext_image(directory / "fs.img", directory / "tree", "1M", "ext2")


@pytest.mark.parametrize("sector", [512, 4096])
def test_gpt_partitions_with_either_sector_size(tmp_path: Path, small_ext: Path, sector: int) -> None:
    disk = tmp_path / "disk.img"
    first = (1 << 20) // sector
    gpt_disk(disk, sector, (4 << 20) // sector, [(first, 2 * first - 1, "evidence")])
    place(disk, first * sector, small_ext)
    with open_image(disk) as source:
        volumes = list_volumes(source)
        (partition,) = [v for v in volumes if v.allocated]
        assert partition.table == "gpt"
        assert partition.sector_size == sector
        assert (partition.start_sector, partition.sector_count, partition.description) == (first, first, "evidence")
        assert partition.offset == 1 << 20
        assert open_filesystem(source).read("hello.txt") == b"hello from a partition"


def test_partition_past_the_end_is_an_error_when_opened(tmp_path: Path) -> None:
    disk = tmp_path / "short.img"
    disk.write_bytes(mbr([mbr_entry(0x83, 2048, 100000)]) + bytes(1 << 20))
    with open_image(disk) as source:
        (partition,) = [v for v in list_volumes(source) if v.allocated]
        assert partition.end > source.size
        with pytest.raises(VolumeError, match=r"short\.img: partition \d+ .*past the end of the image"):
            open_filesystem(source, partition.index)
        report = describe_image(source)  # info still lists it, with the problem
        assert any(v.problem and "past the end" in v.problem for v in report.volumes)


def test_unknown_partition_number_lists_the_valid_ones() -> None:
    with (
        open_image(IMAGES / "pytsk/tsk_volume_system.raw") as source,
        pytest.raises(VolumeError, match=r"no partition 9 \(partitions: 2, 6\)"),
    ):
        open_filesystem(source, 9)
