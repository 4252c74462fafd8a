"""Describe an image: what ``scelle image info`` shows (format, media, container metadata, volumes, file systems).

Apart from ``evidence.reading.listing`` so that the commands that do not describe an image do not define its records at
start-up (a frozen dataclass costs about a millisecond to define).
"""

from __future__ import annotations

from dataclasses import dataclass

from evidence.common.errors import ImageError
from evidence.reading.listing import filesystems_at
from evidence.reading.tsk import TskFsInfo, TskImage
from evidence.reading.volumes import Volume, list_volumes
from evidence.sources.base import ImageMetadata, ImageSource


@dataclass(frozen=True, slots=True)
class VolumeReport:
    """A volume with the file system found in it (or why there is none)."""

    volume: Volume
    filesystem: TskFsInfo | None
    problem: str | None
    #: the error behind ``problem``, to state it in another language (``problem`` is its English text, for JSON)
    reason: ImageError | None = None


@dataclass(frozen=True, slots=True)
class ImageReport:
    """What ``scelle image info`` shows."""

    format: str
    size: int
    segments: list[str]
    metadata: ImageMetadata
    volumes: list[VolumeReport]


def describe_image(source: ImageSource) -> ImageReport:
    """Format, media size, segments, container metadata, volumes and the file system of each."""
    image = TskImage(source)
    reports = []
    for volume in list_volumes(source, image):
        if not volume.allocated:
            reports.append(VolumeReport(volume, None, None))
            continue
        try:
            reports.append(VolumeReport(volume, filesystems_at(source, volume, image)[0].info, None))
        except ImageError as exc:  # VolumeError, FileSystemError: shown per volume, the others still listed
            reports.append(VolumeReport(volume, None, str(exc), exc))
    return ImageReport(source.format, source.size, [str(p) for p in source.segments], source.metadata, reports)
