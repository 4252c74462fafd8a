"""Volumes: the partitions of an image (MBR with extended/logical partitions, GPT, ...), as ``mmls`` lists them.

Each volume keeps TSK's partition address as its ``index``, the row number ``mmls`` prints, so an examiner can
match scelle's output with TSK's. Rows that are not partitions (the partition table itself, unallocated gaps) are
listed too, flagged ``allocated=False``, as ``mmls`` does. An image without a partition table is one volume covering
the whole media, with ``index`` None.

TSK detects the table type and, for GPT, tries sector sizes from 512 to 8192 bytes itself; the sector size found
is kept on every volume.
"""

from __future__ import annotations

from dataclasses import dataclass

from evidence.common.errors import VolumeError
from evidence.reading.tsk import TskImage, TskPartition, open_volume_system
from evidence.sources.base import ImageSource

_FLAG_ALLOC = 0x1
_FLAG_UNALLOC = 0x2


@dataclass(frozen=True, slots=True, kw_only=True)
class Volume:
    """One row of the partition table (or the whole media when there is none)."""

    #: TSK partition address (the row number ``mmls`` prints); None for the whole media of an unpartitioned image
    index: int | None
    #: partition table type (``dos``, ``gpt``, ...) or None for the whole media
    table: str | None
    #: ``mmls``'s slot column: ``000:001`` (table:slot) for a partition, ``Meta`` or ``-------`` otherwise
    slot: str
    start_sector: int
    sector_count: int
    sector_size: int
    description: str
    #: True for a partition (a table entry pointing to data); False for table metadata and unallocated gaps
    allocated: bool

    @property
    def offset(self) -> int:
        """First byte of the volume in the media."""
        return self.start_sector * self.sector_size

    @property
    def length(self) -> int:
        """Size of the volume in bytes."""
        return self.sector_count * self.sector_size

    @property
    def end(self) -> int:
        """One past the last byte of the volume."""
        return self.offset + self.length

    @property
    def label(self) -> str:
        """How messages name the volume: ``partition 2`` or ``whole media``."""
        return "whole media" if self.index is None else f"partition {self.index}"


def _slot(part: TskPartition) -> str:
    if part.flags & _FLAG_ALLOC:  # mmls: table:slot, or just the slot when the table has no number (GPT)
        return f"{part.slot_num:03d}" if part.table_num < 0 else f"{part.table_num:03d}:{part.slot_num:03d}"
    if part.flags & _FLAG_UNALLOC:
        return "-------"
    return "Meta"


def whole_media(source: ImageSource) -> Volume:
    """The single volume of an image without a partition table."""
    sector = source.metadata.sector_size or 512
    return Volume(
        index=None,
        table=None,
        slot="",
        start_sector=0,
        sector_count=-(-source.size // sector),
        sector_size=sector,
        description="whole media (no partition table)",
        allocated=True,
    )


def list_volumes(source: ImageSource, image: TskImage | None = None) -> list[Volume]:
    """Every row of the image's partition table, in TSK's order; one whole-media volume if there is no table."""
    tsk_image = image if image is not None else TskImage(source)
    table = open_volume_system(tsk_image, f"{source.segments[0]}")
    if table is None or not any(part.flags & _FLAG_ALLOC for part in table.partitions):
        return [whole_media(source)]
    return [
        Volume(
            index=part.addr,
            table=table.type,
            slot=_slot(part),
            start_sector=part.start,
            sector_count=part.length,
            sector_size=table.block_size,
            description=part.description,
            allocated=bool(part.flags & _FLAG_ALLOC),
        )
        for part in table.partitions
    ]


def check_inside(source: ImageSource, volume: Volume) -> None:
    """Raise ``VolumeError`` if a partition lies (partly) past the end of the media."""
    if volume.index is not None and volume.end > source.size:
        raise VolumeError(
            f"{source.segments[0]}: {volume.label} (sectors {volume.start_sector}-"
            f"{volume.start_sector + volume.sector_count - 1}, {volume.sector_size}-byte sectors) ends at byte "
            f"{volume.end}, past the end of the image ({source.size} bytes)"
        )


def find_volume(volumes: list[Volume], index: int, source: ImageSource) -> Volume:
    """The volume with partition address ``index``; ``VolumeError`` listing the valid ones if there is none."""
    for volume in volumes:
        if volume.index == index:
            return volume
    valid = ", ".join(str(v.index) for v in volumes if v.allocated and v.index is not None) or "none"
    raise VolumeError(f"{source.segments[0]}: no partition {index} (partitions: {valid})")
