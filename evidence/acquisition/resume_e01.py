"""``acquire --format e01 --resume``: continue an interrupted E01 acquisition from the part its record vouches for.

The record of the run keeps the E01 settings and the end of the last chunk group on disk (``format_details``, see
``evidence.acquisition.checkpoint``) beside the prefix digests of the media. A resume checks, before writing
anything, that

* it is the same source (``evidence.acquisition.resume.interrupted_record``) and the same settings: compression,
  segment size, media type and flags (exit 1, naming the option to repeat); the digests are the record's (an E01
  acquisition computes all four), the sector and chunk size the source's, checked in the volume section;
* the segment files up to the checkpoint hold exactly what the writer puts there (``evidence.ewf.prefix``), every
  chunk passes its check (zlib's or the stored Adler-32), and the media they hold, hashed again, gives every prefix
  digest of the record up to the resume point (exit 3 otherwise);
* the source, re-read up to that point, gives the same digests (exit 3 otherwise): the image goes on with the media
  it started with.

The resume point is the last recorded window end that is whole chunks inside the checkpoint. The group holding it is
cut away and its earlier chunks laid out again, later segment files are removed, and the sink continues the set: the
finished set holds the media, the MD5 and SHA-1 one uninterrupted run would have stored.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from evidence.acquisition.blockread import TolerantReader
from evidence.acquisition.checkpoint import CHECKPOINT_KEYS, RecordReserve, ResumePoint
from evidence.acquisition.e01 import e01_settings, make_e01_sink
from evidence.acquisition.media import IdentifiedMedia
from evidence.acquisition.record import AcquisitionRecord, CaseMetadata, write_record
from evidence.acquisition.resume import ResumeMismatchError, check_windows, interrupted_record, kept_unreadable
from evidence.common.messages import LocalisedAcquisitionError
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.ewf import sections as sec
from evidence.ewf.chunks import COMPRESSION_NAMES
from evidence.ewf.format import MediaType
from evidence.ewf.prefix import PrefixError, WrittenPrefix, chunk_data, continuation, cut_back, read_prefix
from evidence.ewf.sink import DEFAULT_CHUNK_SECTORS, E01Sink, volume_info
from evidence.ewf.writer import WriterCheckpoint, segment_path, segment_paths_base
from evidence.hashing.digest import StreamHasher
from evidence.hashing.pipeline import Pipeline, UnreadableRange
from evidence.hashing.streams import hasher_consumers

#: the digest the written part is checked with, the first of these the record has (BLAKE3 is the fastest here)
_CHECKED_WITH = ("blake3", "sha256", "sha1", "md5")
#: the option that sets each recorded E01 setting, named when a resume gives another value
_OPTIONS = {
    "compression": "--compress",
    "segment_size": "--segment-size",
    "media_type": "--media-type",
    "media_flags": "--physical/--logical",
}


def _check_settings(record: AcquisitionRecord, record_path: Path, given: dict[str, str | int]) -> None:
    for key, option in _OPTIONS.items():  # the sector and chunk sizes are the source's: the volume section has them
        value, recorded = given[key], record.format_details.get(key)
        if recorded != value:
            raise LocalisedAcquisitionError(
                "resume.setting", record=record_path, option=option, recorded=recorded, given=value
            )


def _checkpoint(record: AcquisitionRecord, record_path: Path) -> WriterCheckpoint:
    values = [record.format_details.get(key) for key in CHECKPOINT_KEYS]
    if not all(isinstance(value, int) and value > 0 for value in values):
        raise LocalisedAcquisitionError("resume.nothing", record=record_path)
    segment, offset, chunks = (int(value) for value in values)  # type: ignore[arg-type]
    return WriterCheckpoint(segment, offset, chunks)


def _resume_end(record: AcquisitionRecord, record_path: Path, chunk_size: int, checkpoint: WriterCheckpoint) -> int:
    """The last recorded window end that is whole chunks inside the checkpoint (and not the padded last chunk)."""
    limit = min(checkpoint.chunks * chunk_size, record.media_size)
    ends = [w.end for w in record.windows if w.end <= limit and w.end % chunk_size == 0]
    if not ends:
        raise LocalisedAcquisitionError("resume.nothing", record=record_path)
    return max(ends)


def _hash_written(prefix: WrittenPrefix, record: AcquisitionRecord, end: int, chunk_size: int, own: bool) -> list[Any]:
    """Hash the media the set holds up to ``end`` and compare with the record's prefix digests of one strong
    algorithm (the fastest the record has: the source is checked with all of them); the sink's own MD5 and SHA-1 of
    it when it keeps them (``own``)."""
    hashers = tuple(_stream_hashers(record, [next(a for a in _CHECKED_WITH if a in record.algorithms)]))
    extra: list[Any] = [hashlib.md5(usedforsecurity=False), hashlib.sha1(usedforsecurity=False)] if own else []
    for data in chunk_data(prefix, end // chunk_size, chunk_size):
        view = memoryview(data)
        for hasher in (*hashers, *extra):
            hasher.update(view)
    check_windows(hashers, record, end, "resume.mismatch", image=prefix.paths[0])
    return extra


def _stream_hashers(record: AcquisitionRecord, names: Sequence[str]) -> list[StreamHasher]:
    return [StreamHasher(name, record.window) for name in names]


def _hash_source(
    media: IdentifiedMedia,
    record: AcquisitionRecord,
    end: int,
    retries: int,
    stop: threading.Event,
    progress: ProgressObserver,
) -> tuple[StreamHasher, ...]:
    """Re-read the source up to ``end`` as the acquisition read it (the same tolerant reader, one thread group of
    hashers each), and compare with the record. It runs beside the check of the written part, and alone tells
    ``progress``; ``stop`` ends it early when that check fails or the user interrupts."""
    hashers = tuple(_stream_hashers(record, record.algorithms))
    reader = TolerantReader(media, retries=retries)

    def fill(offset: int, view: memoryview) -> tuple[int, list[UnreadableRange]]:
        return (0, []) if stop.is_set() else reader.fill(offset, view)

    progress.started(f"re-reading source {media.identity.path}", end)
    try:
        Pipeline(hasher_consumers(hashers)).run(fill, end, progress)
    finally:
        progress.finished()
    check_windows(hashers, record, end, "resume.source_changed", source=media.identity.path)
    return hashers


def resume_e01(
    record_path: Path,
    output: Path,
    media: IdentifiedMedia,
    *,
    split_size: int | None,
    compress: str | None,
    media_type: str | None,
    physical: bool | None,
    retries: int,
    progress: ProgressObserver = NULL_PROGRESS,
) -> tuple[ResumePoint, AcquisitionRecord, E01Sink]:
    """Check the interrupted E01 run to ``output`` and its files, cut them back, and return where to continue, the
    record, and the sink that continues the set (raises, saying what to do, when it cannot be resumed)."""
    record = interrupted_record(record_path, media.identity, "e01")
    settings = e01_settings(
        media.identity, split_size=split_size, compress=compress, media_type=media_type, physical=physical
    )
    _check_settings(record, record_path, settings)
    checkpoint = _checkpoint(record, record_path)
    chunk_size = int(settings["chunk_size"])
    end = _resume_end(record, record_path, chunk_size, checkpoint)
    base, upper = segment_paths_base(output)
    first = segment_path(base, 1, upper=upper)
    volume = volume_info(
        record.media_size,
        sector_size=int(settings["sector_size"]),
        chunk_sectors=DEFAULT_CHUNK_SECTORS,
        media_type=MediaType[str(settings["media_type"]).upper()],
        physical=settings["media_flags"] == "physical",
        compression=COMPRESSION_NAMES[str(settings["compression"])],
    )
    stop = threading.Event()
    # The source and the written part are read at the same time: two devices, each hashed off the GIL.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="resume-source") as pool:
        source = pool.submit(_hash_source, media, record, end, retries, stop, progress)
        try:
            prefix = read_prefix(first, checkpoint, sec.volume_payload(volume))
            padded = bool(record.media_size % int(settings["sector_size"]))
            own = _hash_written(prefix, record, end, chunk_size, padded)
            found, cut_segment, cut_offset = continuation(prefix, end // chunk_size, chunk_size)
            hashers = source.result()
        except PrefixError as exc:
            stop.set()
            raise ResumeMismatchError("resume.damaged", image=exc.path, offset=exc.offset) from exc
        except BaseException:
            stop.set()
            raise
    unreadable = kept_unreadable(record, end)
    RecordReserve.path_for(record_path).unlink(missing_ok=True)
    # The record names the cut point before the files are cut: a run stopped from here on resumes from there.
    cut = dict(zip(CHECKPOINT_KEYS, (cut_segment, cut_offset, found.chunks), strict=True))
    write_record(record_path, record.finished(record.status, format_details={**record.format_details, **cut}))
    try:
        cut_back(first, cut_segment, cut_offset)
    except OSError as exc:
        raise LocalisedAcquisitionError("resume.cut", image=first, error=exc.strerror or exc) from exc
    sink = make_e01_sink(
        output,
        split_size=split_size,
        media_size=media.size,
        source=media.identity,
        case=CaseMetadata(),
        compress=compress,
        media_type=media_type,
        physical=physical,
        resume=replace(found, hashes=tuple(own)),
        unreadable=[(r.offset, r.length) for r in unreadable],
    )
    point = ResumePoint(
        offset=end, hashers=hashers, unreadable=unreadable, read_errors=record.read_errors, started_at=record.started_at
    )
    return point, record, sink
