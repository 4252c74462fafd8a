"""Acquiring from a virtual disk (QCOW2, VMDK, VHD, VHDX): the media the container holds is copied, not its files.

A virtual disk's files are a container: copying them byte for byte would give an image of the container, whose
digests no examiner reading the disk could reproduce. ``VirtualDiskMedia`` reads the media through the container's
reader (its parents included) and says so in the record: the source kind is ``virtual-disk`` and ``container``
names the format and every file read, so a court can tell the digests are those of the media, not of the files.
A damaged container stops the acquisition with its one-line error; it is never zero-filled like a bad sector.
"""

from __future__ import annotations

import os
from pathlib import Path

from evidence.acquisition.media import SourceIdentity
from evidence.sources.base import ImageSource


def _files(source: ImageSource) -> list[str]:
    files = [str(Path(path).absolute()) for path in source.segments]
    parent = getattr(source, "parent", None)
    return files + (_files(parent) if isinstance(parent, ImageSource) else [])


class VirtualDiskMedia:
    """The media of a virtual disk, as an acquisition source (``IdentifiedMedia``)."""

    def __init__(self, path: str | os.PathLike[str], source: ImageSource) -> None:
        self._source = source
        self.size = source.size
        self.sector_size = source.metadata.sector_size or 512
        files = _files(source)
        self.identity = SourceIdentity(
            path=str(Path(path).absolute()),
            kind="virtual-disk",
            size=source.size,
            container=f"{source.format}: media read through the container, files {', '.join(files)}",
        )

    def readinto_at(self, offset: int, buffer: memoryview) -> int:
        """Fill ``buffer`` from ``offset``; short only at the end of the media; a damaged container raises."""
        return self._source.readinto_at(offset, buffer)

    def close(self) -> None:
        """Close the container (and its parents). Idempotent."""
        self._source.close()


def open_virtual_media(path: str | os.PathLike[str]) -> VirtualDiskMedia | None:
    """``path`` as acquisition media if it is a virtual disk, else None (it is then read as a file or device)."""
    from evidence.sources.detect import open_virtual_disk

    if not os.path.isfile(path):  # a device or a missing file: FileMedia opens it or says why, as before
        return None
    source = open_virtual_disk(Path(path))
    return None if source is None else VirtualDiskMedia(path, source)
