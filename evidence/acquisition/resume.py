"""``acquire --resume``: continue an interrupted raw acquisition from the part of the image its record vouches for.

The record of a run that did not finish holds prefix digests of the media (``piecewise``, written at each window by
``evidence.acquisition.checkpoint`` and when the run stops). A resume checks that the source is the same one (path,
size, model, serial), re-hashes the image files up to the last of those windows and compares every prefix digest
with the record: any difference refuses the resume (exit 3), nothing is written. Then the image is cut back to that
point, and the acquisition goes on from there with the hashers' state rebuilt, so the finished image and record are
what one uninterrupted run would have made. E01 output is checked and cut back by ``resume_e01``, with the record
checks and the digest comparison here.
"""

from __future__ import annotations

import os
from pathlib import Path

from evidence.acquisition.checkpoint import RecordReserve, ResumePoint
from evidence.acquisition.media import SourceIdentity
from evidence.acquisition.raw_sink import segment_path
from evidence.acquisition.record import AcquisitionRecord, RecordError, load_record
from evidence.common.messages import LocalisedAcquisitionError
from evidence.hashing.digest import StreamHasher
from evidence.hashing.pipeline import UnreadableRange

_BLOCK = 4 << 20


class ResumeMismatchError(LocalisedAcquisitionError):
    """The image already written does not match its record's digests: the resume is refused (exit 3)."""

    exit_code = 3


def image_files(output: Path, split_size: int | None) -> list[Path]:
    """The raw image files of an acquisition to ``output`` that exist, in media order."""
    if split_size is None:
        return [output] if output.exists() else []
    found: list[Path] = []
    while (path := segment_path(output, len(found))).exists():
        found.append(path)
    return found


def _same_source(recorded: SourceIdentity, now: SourceIdentity) -> bool:
    keys = ("path", "size", "model", "serial")
    return all(getattr(recorded, key) == getattr(now, key) for key in keys)


def _prefix_hashers(files: list[Path], record: AcquisitionRecord, end: int) -> tuple[StreamHasher, ...]:
    """Hash the first ``end`` bytes of the image files as the run did (same algorithms and window)."""
    hashers = tuple(StreamHasher(name, record.window) for name in record.algorithms)
    buffer = bytearray(_BLOCK)
    done = 0
    for path in files:
        with open(path, "rb", buffering=0) as stream:
            while done < end and (count := stream.readinto(memoryview(buffer)[: min(_BLOCK, end - done)])):
                for hasher in hashers:
                    hasher.update(memoryview(buffer)[:count])
                done += count
    if done != end:
        raise ResumeMismatchError("resume.short", image=files[0] if files else "-", size=done, needed=end)
    return hashers


def interrupted_record(record_path: Path, source: SourceIdentity, output_format: str) -> AcquisitionRecord:
    """The record of the interrupted run to ``record_path``, checked: not finished, same format, same source, and
    prefix digests to resume from (raises, saying what to do, otherwise)."""
    try:
        record = load_record(record_path)
    except RecordError as exc:
        raise LocalisedAcquisitionError("resume.no_record", record=record_path) from exc
    if record.status == "complete":
        raise LocalisedAcquisitionError("acquire.done", record=record_path, status=record.status)
    if record.format != output_format:
        raise LocalisedAcquisitionError("resume.format", record=record_path, recorded=record.format)
    if not _same_source(record.source, source):
        raise LocalisedAcquisitionError("resume.source", record=record_path, recorded=record.source.path)
    if not record.windows or record.window is None:
        raise LocalisedAcquisitionError("resume.nothing", record=record_path)
    return record


def check_windows(
    hashers: tuple[StreamHasher, ...], record: AcquisitionRecord, end: int, code: str, **where: object
) -> None:
    """Raise ``ResumeMismatchError(code)`` unless ``hashers`` (fed the first ``end`` bytes) took every prefix digest
    the record holds up to ``end``."""
    for expected in record.windows:
        if expected.end > end:
            break
        at = next((i for i, (e, _) in enumerate(hashers[0].snapshots) if e == expected.end), None)
        for hasher in hashers:
            got = None if at is None else hasher.snapshots[at][1]
            if got != expected.digests.get(hasher.name):
                raise ResumeMismatchError(code, **where, end=expected.end, algorithm=hasher.name)


def kept_unreadable(record: AcquisitionRecord, end: int) -> tuple[UnreadableRange, ...]:
    """The record's unreadable ranges before ``end``: those bytes are not read again."""
    return tuple(
        UnreadableRange(offset=r.offset, length=min(r.length, end - r.offset))
        for r in record.unreadable
        if r.offset < end
    )


def resume_point(
    record_path: Path, output: Path, source: SourceIdentity, split_size: int | None
) -> tuple[ResumePoint, AcquisitionRecord]:
    """Check the interrupted raw run's record, source and image; where to continue from, and the record (raises,
    saying what to do, when it cannot be resumed)."""
    record = interrupted_record(record_path, source, "raw")
    end = record.windows[-1].end
    files = image_files(output, split_size)
    sizes = [path.stat().st_size for path in files]
    if split_size is not None and (any(size != split_size for size in sizes[:-1]) or sizes[-1:] > [split_size]):
        raise LocalisedAcquisitionError("resume.split", image=files[0], split=split_size)
    hashers = _prefix_hashers(files, record, end)
    check_windows(hashers, record, end, "resume.mismatch", image=files[0])
    point = ResumePoint(
        offset=end,
        hashers=hashers,
        unreadable=kept_unreadable(record, end),
        read_errors=record.read_errors,
        started_at=record.started_at,
    )
    return point, record


def cut_back(output: Path, split_size: int | None, offset: int, record_path: Path) -> None:
    """Cut the image files back to ``offset`` media bytes: the part past the verified prefix is written again (and
    drop the record's reserve that a killed run left)."""
    RecordReserve.path_for(record_path).unlink(missing_ok=True)
    if split_size is None:
        os.truncate(output, offset)
        return
    for index, path in enumerate(image_files(output, split_size)):
        keep = max(0, min(split_size, offset - index * split_size))
        if keep == 0:
            path.unlink()
        elif keep < split_size:
            os.truncate(path, keep)
