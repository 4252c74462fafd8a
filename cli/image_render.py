"""How `scelle image` output looks: text for people, JSON for tools. Pure functions of library results."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from functools import lru_cache
from json.encoder import encode_basestring
from typing import TYPE_CHECKING

from evidence.common.zones import shown
from evidence.hashing.files import ALGORITHMS
from evidence.reading.entries import Timestamp
from evidence.reading.listing import Listed
from evidence.reading.timeline import fls_line

if TYPE_CHECKING:  # defined by evidence.reading.describe, which only `image info` loads
    from evidence.reading.describe import ImageReport, VolumeReport


def _size(count: int) -> str:
    value, unit = float(count), "B"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            break
        value /= 1024
    return f"{count} bytes" if unit == "B" else f"{count} bytes ({value:.1f} {unit})"


def _volume_json(report: VolumeReport) -> dict[str, object]:
    volume = report.volume
    fs = report.filesystem
    return {
        "index": volume.index,
        "table": volume.table,
        "slot": volume.slot,
        "start_sector": volume.start_sector,
        "sector_count": volume.sector_count,
        "sector_size": volume.sector_size,
        "offset": volume.offset,
        "length": volume.length,
        "description": volume.description,
        "allocated": volume.allocated,
        "filesystem": None
        if fs is None
        else {"type": fs.type, "block_size": fs.block_size, "block_count": fs.block_count, "root_inode": fs.root_inum},
        "problem": report.problem,
    }


def info_json(report: ImageReport) -> dict[str, object]:
    """The ``image info --json`` document."""
    return {
        "format": report.format,
        "size": report.size,
        "segments": report.segments,
        "metadata": dataclasses.asdict(report.metadata),
        "volumes": [_volume_json(v) for v in report.volumes],
    }


def _date(value: str | None, basis: str | None, zone: str) -> str | None:
    """A container date for people: a UTC instant in ``zone`` with its offset; a wall-clock time without a zone
    said to be one."""
    if value is None or basis is None:
        return value
    if basis == "UTC":
        return shown(datetime.fromisoformat(value), zone)
    return f"{value.replace('T', ' ')} (local time of the acquiring host; its zone is not recorded)"


def _metadata_lines(report: ImageReport, zone: str) -> list[str]:
    meta = report.metadata
    lines = []
    labels = (
        ("case number", meta.case_number),
        ("evidence number", meta.evidence_number),
        ("examiner", meta.examiner),
        ("description", meta.description),
        ("notes", meta.notes),
        ("acquisition date", _date(meta.acquisition_date, meta.dates_basis, zone)),
        ("system date", _date(meta.system_date, meta.dates_basis, zone)),
        ("acquired with", meta.acquisition_software),
        ("acquisition OS", meta.acquisition_os),
        ("model", meta.model),
        ("serial number", meta.serial_number),
        ("media type", meta.media_type),
        ("compression", meta.compression),
        ("chunk size", str(meta.chunk_size) if meta.chunk_size else None),
    )
    lines += [f"{label + ':':18}{value}" for label, value in labels if value]
    lines += [f"{'stored ' + name + ':':18}{value}" for name, value in sorted(meta.stored_hashes.items())]
    lines += [f"{key + ':':18}{value}" for key, value in sorted(meta.extra.items())]
    return lines


def _volume_line(report: VolumeReport) -> str:
    volume = report.volume
    index = "-" if volume.index is None else f"{volume.index:03d}"
    end = volume.start_sector + volume.sector_count - 1
    fs = report.filesystem
    found = fs.type if fs is not None else (f"({report.problem})" if report.problem else "")
    columns = f"{index:>5}  {volume.slot:8} {volume.start_sector:>12} {end:>12} {volume.sector_count:>12}"
    return f"{columns}  {volume.description:28} {found}".rstrip()


def info_text(report: ImageReport, zone: str) -> str:
    """The ``image info`` text, its dates shown in ``zone``."""
    sector = report.metadata.sector_size
    lines = [
        f"{'format:':18}{report.format}",
        f"{'media size:':18}{_size(report.size)}, {report.size // sector} sectors of {sector} bytes",
        f"{'segments:':18}{len(report.segments)}",
        *(f"  {segment}" for segment in report.segments),
        *_metadata_lines(report, zone),
    ]
    table = report.volumes[0].volume.table
    sizes = {v.volume.sector_size for v in report.volumes}
    lines.append(f"volumes: {table or 'no partition table'}" + (f", {sizes.pop()}-byte sectors" if table else ""))
    lines.append(f"{'index':>5}  {'slot':8} {'start':>12} {'end':>12} {'length':>12}  {'description':28} file system")
    lines += [_volume_line(v) for v in report.volumes]
    return "\n".join(lines)


def listed_text(listed: Listed, with_partition: bool) -> str:
    """One ``image ls`` text line: ``fls -r -p`` style, with the partition and the digests when asked."""
    line = fls_line(listed.entry)
    if with_partition and listed.entry.partition is not None:
        line = f"[p{listed.entry.partition}] {line}"
    if listed.digests:
        line += "".join(f"\t{name}:{listed.digests[name]}" for name in ALGORITHMS if name in listed.digests)
    for match in listed.matches:
        line += f"\thashset:{match.set}" + (f"/{match.category}" if match.category else "")
    return line


def _json_text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


@lru_cache(maxsize=4096)
def _json_time(value: Timestamp | None) -> str:
    # cached: the walk hands out one Timestamp object per distinct time, and times repeat across entries
    return "null" if value is None else f'"{value.rfc3339()}"'


def listed_json(listed: Listed, with_hashes: bool, with_sets: bool = False, fs_tz: str | None = None) -> str:
    """One ``image ls --json`` line: exactly ``json.dumps(entry.to_json(...), ensure_ascii=False)`` with compact
    separators, written out directly because a listing prints one per entry (tests hold the two equal)."""
    entry = listed.entry
    partition = "null" if entry.partition is None else entry.partition
    line = (
        f'{{"partition":{partition},"path":{encode_basestring(entry.path)},'
        f'"inode":{encode_basestring(entry.inode)},"allocated":{"true" if entry.allocated else "false"},'
        f'"type":{encode_basestring(entry.type)},"size":{entry.size},"mtime":{_json_time(entry.mtime)},'
        f'"atime":{_json_time(entry.atime)},"ctime":{_json_time(entry.ctime)},"crtime":{_json_time(entry.crtime)}'
    )
    if fs_tz is not None:
        line += f',"fs_tz":{encode_basestring(fs_tz)}'
    if not with_hashes:
        return line + "}"
    digests = listed.digests or {}
    line = f'{line},"sha256":{_json_text(digests.get("sha256"))},"blake3":{_json_text(digests.get("blake3"))}'
    if with_sets:
        matches = [match.to_json() for match in listed.matches]
        line += ',"hashsets":' + json.dumps(matches, ensure_ascii=False, separators=(",", ":"))
    return line + "}"
