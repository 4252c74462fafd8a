"""How `scelle image` output looks: text for people, JSON for tools. Pure functions of library results."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from functools import lru_cache
from json.encoder import encode_basestring
from typing import TYPE_CHECKING

from evidence.common.messages import MESSAGES, error_text
from evidence.common.messages import message as image_message
from evidence.common.zones import shown
from evidence.hashing.files import ALGORITHMS
from evidence.reading.entries import Timestamp
from evidence.reading.listing import Listed
from evidence.reading.timeline import fls_line

if TYPE_CHECKING:  # defined by evidence.reading.describe, which only `image info` loads
    from evidence.reading.describe import ImageReport, VolumeReport


def _size(count: int, lang: str) -> str:
    """``2293760 bytes (2.2 MiB)`` / ``2293760 octets (2,2 Mio)``: the exact count, and the rounded size as the
    progress bar states it."""
    from cli.progress import size_text

    if count < 1024:
        return image_message("info.size", lang, count=count)
    return image_message("info.size_units", lang, count=count, size=size_text(count, lang))


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


def _date(value: str | None, basis: str | None, zone: str, lang: str) -> str | None:
    """A container date for people: a UTC instant in ``zone`` with its offset; a wall-clock time without a zone
    said to be one."""
    if value is None or basis is None:
        return value
    if basis == "UTC":
        return shown(datetime.fromisoformat(value), zone)
    return image_message("info.local_date", lang, value=value.replace("T", " "))


def _value(value: str, lang: str) -> str:
    """A value that is one of our own words (``removable``, ``none``, ``fast (best)``...) in ``lang``; another
    value (a name, a number, a container's own string) as it is."""
    words = value.replace("(", "").replace(")", "").split()
    if not words or any(f"info.value.{word}" not in MESSAGES for word in words):
        return value
    said = [image_message(f"info.value.{word}", lang) for word in words]
    return said[0] + "".join(f" ({word})" for word in said[1:])


def _label(code: str, lang: str, **params: object) -> str:
    return image_message(code, lang, **params)


def _metadata_rows(report: ImageReport, zone: str, lang: str) -> list[tuple[str, str]]:
    meta = report.metadata
    fields = (
        ("case_number", meta.case_number),
        ("evidence_number", meta.evidence_number),
        ("examiner", meta.examiner),
        ("description", meta.description),
        ("notes", meta.notes),
        ("acquisition_date", _date(meta.acquisition_date, meta.dates_basis, zone, lang)),
        ("system_date", _date(meta.system_date, meta.dates_basis, zone, lang)),
        ("acquired_with", meta.acquisition_software),
        ("acquisition_os", meta.acquisition_os),
        ("model", meta.model),
        ("serial_number", meta.serial_number),
        ("media_type", _value(meta.media_type, lang) if meta.media_type else None),
        ("compression", _value(meta.compression, lang) if meta.compression else None),
        ("chunk_size", str(meta.chunk_size) if meta.chunk_size else None),
    )
    rows = [(_label(f"info.{name}", lang), value) for name, value in fields if value]
    rows += [(_label("info.stored", lang, name=name), value) for name, value in sorted(meta.stored_hashes.items())]
    for key, value in sorted(meta.extra.items()):
        code = f"info.extra.{key}"
        label = _label(code, lang) if code in MESSAGES else f"{key}{' :' if lang == 'fr' else ':'}"
        rows.append((label, _value(value, lang)))
    return rows


def _volume_line(report: VolumeReport, lang: str) -> str:
    volume = report.volume
    index = "-" if volume.index is None else f"{volume.index:03d}"
    end = volume.start_sector + volume.sector_count - 1
    fs = report.filesystem
    problem = report.problem
    if report.reason is not None:
        problem = error_text(report.reason, lang)
    found = fs.type if fs is not None else (f"({problem})" if problem else "")
    description = volume.description
    if volume.index is None and volume.table is None:
        description = image_message("info.whole_media", lang)
    columns = f"{index:>5}  {volume.slot:8} {volume.start_sector:>12} {end:>12} {volume.sector_count:>12}"
    return f"{columns}  {description:28} {found}".rstrip()


def _volumes_header(lang: str) -> str:
    def column(name: str) -> str:
        return image_message(f"info.column.{name}", lang)

    numbers = f"{column('start'):>12} {column('end'):>12} {column('length'):>12}"
    return f"{column('index'):>5}  {column('slot'):8} {numbers}  {column('description'):28} {column('filesystem')}"


def info_text(report: ImageReport, zone: str, lang: str = "en") -> str:
    """The ``image info`` text in ``lang``, its dates shown in ``zone``; the values aligned after the longest
    label of the language (at least 18 columns, as before)."""
    sector = report.metadata.sector_size
    media = (
        _size(report.size, lang) + ", " + image_message("info.sectors", lang, count=report.size // sector, size=sector)
    )
    rows = [
        (_label("info.format", lang), report.format),
        (_label("info.media_size", lang), media),
        (_label("info.segments", lang), str(len(report.segments))),
    ]
    metadata = _metadata_rows(report, zone, lang)
    width = max(18, *(len(label) + 1 for label, _ in rows + metadata))
    lines = [f"{label:{width}}{value}" for label, value in rows]
    lines += [f"  {segment}" for segment in report.segments]
    lines += [f"{label:{width}}{value}" for label, value in metadata]
    table = report.volumes[0].volume.table
    sizes = {v.volume.sector_size for v in report.volumes}
    if table:
        lines.append(image_message("info.volumes", lang, table=table, size=sizes.pop()))
    else:
        lines.append(image_message("info.volumes.none", lang))
    lines.append(_volumes_header(lang))
    lines += [_volume_line(v, lang) for v in report.volumes]
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
