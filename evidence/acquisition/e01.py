"""Plug the E01 writer into acquisition: build an ``E01Sink`` from the source identity and the case metadata.

This is the edge between the acquisition recipe (``evidence.acquisition.acquire``) and the EWF writer: it reads the
clock and the host OS name for the EWF headers, takes the sector size and the physical/logical flag from the source, and
maps ``--compress`` and ``--segment-size``. The sink itself knows nothing about sources or records.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from evidence.acquisition.media import DEFAULT_SECTOR_SIZE, SourceIdentity
from evidence.acquisition.record import CaseMetadata
from evidence.common.errors import UsageError
from evidence.common.version import __version__
from evidence.ewf.format import MediaType
from evidence.ewf.prefix import Continuation
from evidence.ewf.sections import EwfMetadata
from evidence.ewf.sink import DEFAULT_CHUNK_SECTORS, SECTOR_SIZES, E01Sink
from evidence.ewf.writer import DEFAULT_SEGMENT_SIZE

MEDIA_TYPES: tuple[str, ...] = tuple(kind.name.lower() for kind in MediaType)
"""``--media-type`` values: the EWF volume section's media types (§7)."""

#: ``--compress`` when none is given for ``--format e01`` (ewfacquire's default is none; fast costs little here).
DEFAULT_E01_COMPRESSION = "fast"


def ewf_metadata(case: CaseMetadata, source: SourceIdentity, acquired_at: datetime) -> EwfMetadata:
    """The EWF header values for an acquisition of ``source`` at ``acquired_at`` (local time, zone-aware)."""
    return EwfMetadata(
        acquired_at=acquired_at,
        case_number=case.case_number or "",
        evidence_number=case.evidence_number or "",
        examiner=case.examiner or "",
        description=case.description or "",
        notes=case.notes or "",
        model=source.model or "",
        serial_number=source.serial or "",
        software_version=__version__,
        operating_system=platform.system(),
    )


def e01_sector_size(source: SourceIdentity) -> int:
    """The device's logical sector size when EWF can store it, else 512."""
    block = source.logical_block_size
    return block if block in SECTOR_SIZES else DEFAULT_SECTOR_SIZE


def e01_settings(
    source: SourceIdentity,
    *,
    split_size: int | None,
    compress: str | None,
    media_type: str | None = None,
    physical: bool | None = None,
) -> dict[str, str | int]:
    """What the options and the source make of an E01 acquisition, as the sink's ``details`` (and the record's
    ``format_details``) say it: a resume must give the same (``evidence.acquisition.resume_e01``)."""
    if media_type is not None and media_type.upper() not in MediaType.__members__:
        known = ", ".join(MEDIA_TYPES)
        raise UsageError(f"--media-type {media_type}: unknown (known: {known})")
    sector_size = e01_sector_size(source)
    return {
        "compression": (compress or DEFAULT_E01_COMPRESSION).lower(),
        "sector_size": sector_size,
        "chunk_size": sector_size * DEFAULT_CHUNK_SECTORS,
        "segment_size": split_size or DEFAULT_SEGMENT_SIZE,
        "media_type": (media_type or "fixed").lower(),
        "media_flags": "physical" if (source.kind == "block-device" if physical is None else physical) else "logical",
    }


def make_e01_sink(
    output: Path,
    *,
    split_size: int | None,
    media_size: int,
    source: SourceIdentity,
    case: CaseMetadata,
    compress: str | None,
    media_type: str | None = None,
    physical: bool | None = None,
    resume: Continuation | None = None,
    unreadable: Sequence[tuple[int, int]] = (),
) -> E01Sink:
    """The ``SinkFactory`` for ``--format e01``: ``split_size`` is the segment size (default 1500 MiB); the media
    type (default fixed) and the physical flag (default: the source is a block device) go into the volume section
    as ewfacquire's ``-m`` and ``-M`` write them. ``resume`` continues a set cut back to its verified part."""
    settings = e01_settings(source, split_size=split_size, compress=compress, media_type=media_type, physical=physical)
    return E01Sink(
        output,
        media_size=media_size,
        metadata=ewf_metadata(case, source, datetime.now().astimezone()),
        sector_size=int(settings["sector_size"]),
        compression=str(settings["compression"]),
        segment_size=int(settings["segment_size"]),
        physical=settings["media_flags"] == "physical",
        media_type=MediaType[str(settings["media_type"]).upper()],
        resume=resume,
        unreadable=unreadable,
    )
