"""Acquisition: read a source once, hash it, write it through an ``ImageSink``, and record everything.

``acquire`` is the core recipe (any sink, any ``IdentifiedMedia``, injectable clock); ``acquire_image`` is the safe
top-level call the CLI uses: it opens the source read-only, refuses outputs that exist or that live on the source
device, builds the sink for the format, and writes the record next to the output.
"""

from __future__ import annotations

import os
import platform
import socket
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from evidence.acquisition.blockread import TolerantReader, merge_ranges
from evidence.acquisition.checkpoint import (
    Checkpoints,
    RecordReserve,
    ResumePoint,
    ShiftedProgress,
    hashed_windows,
    running_details,
)
from evidence.acquisition.media import FileMedia, IdentifiedMedia, SourceIdentity, block_device_identity
from evidence.acquisition.raw_sink import RawSink, planned_paths
from evidence.acquisition.record import AcquisitionRecord, CaseMetadata, record_path_for, rfc3339, utc_now, write_record
from evidence.acquisition.rerun import refuse_rerun
from evidence.acquisition.resumed import resume_run
from evidence.common.errors import AcquisitionError, UsageError
from evidence.common.messages import LocalisedAcquisitionError
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.common.sink import DescribedSink, ImageSink, OutputFile
from evidence.common.version import TOOL_NAME, __version__
from evidence.hashing.digest import (
    DEFAULT_ALGORITHMS,
    DEFAULT_WINDOW,
    StreamHasher,
    combine,
    parse_algorithms,
)
from evidence.hashing.pipeline import (
    DEFAULT_BUFFER_SIZE,
    DEFAULT_DEPTH,
    Consumer,
    Pipeline,
    UnreadableRange,
)
from evidence.hashing.result import DigestResult
from evidence.hashing.streams import hasher_consumers


class SinkFactory(Protocol):
    """Builds the sink for one output format (``raw`` here; ``e01`` plugs in the same way)."""

    def __call__(
        self,
        output: Path,
        *,
        split_size: int | None,
        media_size: int,
        source: SourceIdentity,
        case: CaseMetadata,
        compress: str | None,
        media_type: str | None = None,
        physical: bool | None = None,
    ) -> ImageSink: ...


def _raw_factory(
    output: Path,
    *,
    split_size: int | None,
    media_size: int,
    source: SourceIdentity,
    case: CaseMetadata,
    compress: str | None,
    media_type: str | None = None,
    physical: bool | None = None,
) -> ImageSink:
    if compress not in (None, "none"):
        raise UsageError(f"--compress {compress} needs --format e01; raw images are never compressed")
    if media_type is not None or physical is not None:
        raise UsageError("--media-type and --physical/--logical are stored in an E01 image: they need --format e01")
    return RawSink(output, split_size=split_size, expected_size=media_size)


def _e01_factory(
    output: Path,
    *,
    split_size: int | None,
    media_size: int,
    source: SourceIdentity,
    case: CaseMetadata,
    compress: str | None,
    media_type: str | None = None,
    physical: bool | None = None,
) -> ImageSink:
    # The EWF writer (and zlib) is imported only for E01 output: a raw acquisition starts faster without it.
    from evidence.acquisition.e01 import make_e01_sink

    return make_e01_sink(
        output,
        split_size=split_size,
        media_size=media_size,
        source=source,
        case=case,
        compress=compress,
        media_type=media_type,
        physical=physical,
    )


SINK_FACTORIES: dict[str, SinkFactory] = {"raw": _raw_factory, "e01": _e01_factory}
"""Output formats by name. The E01 writer registers ``"e01"`` here."""

REQUIRED_ALGORITHMS: dict[str, tuple[str, ...]] = {"e01": ("md5", "sha1")}
"""Digests a format stores inside its files, always computed for it (EWF keeps the media MD5 and SHA-1)."""


def host_info() -> dict[str, str]:
    """Where the acquisition ran (recorded; not trusted for anything)."""
    return {
        "hostname": socket.gethostname(),
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "python": platform.python_version(),
    }


class _Writer:
    """The sink's consumer: records unreadable ranges, then writes the block (``written``: media bytes in the image,
    from the resume point on a resumed run; ``on_written`` is told after each block)."""

    def __init__(self, sink: ImageSink, start: ResumePoint | None = None) -> None:
        self.sink = sink
        self.written = 0 if start is None else start.offset
        self.unreadable: list[UnreadableRange] = [] if start is None else list(start.unreadable)
        self.on_written: Callable[[int], None] = lambda _count: None

    def __call__(self, offset: int, data: memoryview, unreadable: Sequence[UnreadableRange]) -> None:
        for bad in unreadable:
            self.sink.add_unreadable(bad.offset, bad.length)
            merge_ranges(self.unreadable, bad)
        try:
            self.sink.write(data)
        except BaseException:
            # A sink that counts its bytes (raw) knows what reached the disk before a failure, a full disk say.
            self.written = max(self.written, int(getattr(self.sink, "bytes_written", self.written)))
            raise
        self.written += len(data)
        self.on_written(self.written)


class _Run:
    """One pass over the media: tolerant reader, one hasher per algorithm, the sink's writer."""

    def __init__(
        self,
        media: IdentifiedMedia,
        sink: ImageSink,
        names: tuple[str, ...],
        window: int,
        retries: int,
        buffer_size: int,
        depth: int,
        start: ResumePoint | None = None,
    ) -> None:
        self.media = media
        self.sink = sink
        self.window = window
        self.start = start
        self.reader = TolerantReader(media, retries=retries)
        self.hashers = [StreamHasher(name, window) for name in names] if start is None else list(start.hashers)
        self.writer = _Writer(sink, start)
        consumers: list[Consumer] = [*hasher_consumers(self.hashers), self.writer]
        # a raw copy is bound by its slowest hasher; an E01 sink's encoders have threads of their own to share the cores
        critical = 0 if isinstance(sink, RawSink) else None
        self.pipeline = Pipeline(consumers, buffer_size=buffer_size, depth=depth, critical=critical)

    def execute(self, progress: ProgressObserver) -> tuple[DigestResult, list[OutputFile]]:
        """Read, hash and write everything (from the resume point), then let the sink finalise its files."""
        base = 0 if self.start is None else self.start.offset
        fill = self.reader.fill if not base else lambda offset, view: self.reader.fill(base + offset, view)
        self.pipeline.run(fill, self.media.size - base, progress if not base else ShiftedProgress(progress, base))
        result = combine(self.hashers, self.window, expected_size=self.media.size)
        return result, self.sink.close(result.digests)

    def tally(self) -> dict[str, Any]:
        """What the record says about this pass, whatever its outcome (with the prefix digests of what is written:
        the point a resume starts from)."""
        return {
            "bytes_acquired": self.writer.written,
            "unreadable": tuple(self.writer.unreadable),
            "read_errors": self.reader.read_errors + (0 if self.start is None else self.start.read_errors),
            "windows": hashed_windows(self.hashers, self.writer.written),
            "format_details": running_details(self.sink),
        }


def _interrupt_reason(exc: KeyboardInterrupt) -> str:
    # The CLI raises KeyboardInterrupt("SIGTERM") on SIGTERM; Python's own SIGINT handler gives no argument.
    return f"interrupted ({exc.args[0] if exc.args else 'SIGINT'})"


def acquire(
    media: IdentifiedMedia,
    sink: ImageSink,
    *,
    record_path: Path,
    output_format: str = "raw",
    algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
    window: int = DEFAULT_WINDOW,
    case: CaseMetadata | None = None,
    retries: int = 2,
    buffer_size: int = DEFAULT_BUFFER_SIZE,
    depth: int = DEFAULT_DEPTH,
    progress: ProgressObserver = NULL_PROGRESS,
    clock: Callable[[], datetime] = utc_now,
    host: Mapping[str, str] | None = None,
    start: ResumePoint | None = None,
) -> AcquisitionRecord:
    """Copy ``media`` into ``sink`` while hashing it; write and return the acquisition record.

    The record is first written as ``in-progress``; it ends ``complete`` only after the sink has flushed every file.
    An interruption (``KeyboardInterrupt``, which the CLI also raises on SIGTERM) or any failure aborts the sink,
    rewrites the record as ``incomplete``/``failed`` with the reason and the bytes written, and re-raises. While it
    runs, the record is checkpointed at each window (``evidence.acquisition.checkpoint``); ``start`` continues an
    interrupted run from its verified prefix (``evidence.acquisition.resume``), keeping its record's start time.
    """
    names = parse_algorithms(algorithms, base=())
    if window <= 0:
        raise UsageError(f"piecewise window must be positive, got {window}")
    record = AcquisitionRecord(
        status="in-progress",
        tool=TOOL_NAME,
        version=__version__,
        host=dict(host if host is not None else host_info()),
        started_at=rfc3339(clock()) if start is None else start.started_at,
        source=media.identity,
        format=output_format,
        algorithms=names,
        case=case or CaseMetadata(),
        media_size=media.size,
        window=window,
    )
    run = _Run(media, sink, names, window, retries, buffer_size, depth, start)
    try:
        write_record(record_path, record.finished("in-progress", **run.tally()), exclusive=start is None)
    except BaseException:
        sink.abort()  # a sink may already hold open files (E01 creates its first segment at once)
        raise
    reserve = RecordReserve(record_path)
    run.writer.on_written = Checkpoints(record_path, record, run.hashers, run.writer.written, sink).written
    progress.started(f"acquiring {media.identity.path}", media.size)
    try:
        result, outputs = run.execute(progress)
    except BaseException as exc:
        sink.abort()
        if isinstance(exc, KeyboardInterrupt):
            status, reason = "incomplete", _interrupt_reason(exc)
        else:
            status, reason = "failed", str(exc) or type(exc).__name__
        reserve.release()  # before the record: on a full disk the reserve is the room it needs
        try:
            write_record(record_path, record.finished(status, reason=reason, ended_at=rfc3339(clock()), **run.tally()))
        except AcquisitionError:
            pass  # the cause (a full disk, say) is what the user must see, not the record it also prevented
        raise
    finally:
        progress.finished()
        reserve.release()
    final = record.finished(
        "complete",
        ended_at=rfc3339(clock()),
        media_digests=result.hexdigests(),
        outputs=tuple(outputs),
        **{**run.tally(), "windows": result.windows, "format_details": _final_details(sink)},
    )
    write_record(record_path, final)
    return final


def _final_details(sink: ImageSink) -> dict[str, str | int]:
    return dict(sink.details) if isinstance(sink, DescribedSink) else {}


def output_on_source(directory: Path, source: SourceIdentity, *, sys_root: Path = Path("/sys")) -> bool:
    """True when ``directory``'s file system lives on the source block device (or one of its partitions)."""
    if source.kind != "block-device" or source.device is None:
        return False
    dev = os.stat(directory).st_dev
    node = f"{os.major(dev)}:{os.minor(dev)}"
    if node == source.device:
        return True
    link = sys_root / "dev" / "block" / node
    if (link / "partition").exists():
        parent = _sys_dev(link.resolve().parent)
        return parent == source.device
    return False


def _sys_dev(path: Path) -> str | None:
    try:
        return (path / "dev").read_text(encoding="ascii").strip()
    except OSError:
        return None


def acquire_image(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    output_format: str = "raw",
    split_size: int | None = None,
    extra_algorithms: Iterable[str] = (),
    compress: str | None = None,
    case: CaseMetadata | None = None,
    window: int = DEFAULT_WINDOW,
    retries: int = 2,
    progress: ProgressObserver = NULL_PROGRESS,
    media_type: str | None = None,
    physical: bool | None = None,
    resume: bool = False,
) -> AcquisitionRecord:
    """Acquire ``source`` (file or block device) into ``output`` in ``output_format``; the CLI's single call.

    A virtual disk (QCOW2, VMDK, VHD, VHDX) is acquired as the media it holds (``evidence.acquisition.virtual_media``).

    ``split_size`` is the raw split size or the E01 segment size; ``compress`` (``none``/``fast``/``best``) applies
    to E01 only and defaults to ``fast`` there, as do ``media_type`` (``fixed``, ``removable``, ``optical``,
    ``memory``; default fixed) and ``physical`` (the media flag; default: true for a block device). ``resume``
    continues an interrupted acquisition to ``output`` (raw or E01, with the same settings) from its verified part.
    """
    factory = SINK_FACTORIES.get(output_format)
    if factory is None:
        known = ", ".join(sorted(SINK_FACTORIES))
        raise UsageError(f"output format {output_format!r} is not available (available: {known})")
    names = parse_algorithms([*extra_algorithms, *REQUIRED_ALGORITHMS.get(output_format, ())])
    output = Path(output)
    record_path = record_path_for(output)
    from evidence.acquisition.virtual_media import open_virtual_media  # the image readers only when acquiring

    media: IdentifiedMedia = open_virtual_media(source) or FileMedia(source)
    try:
        if not output.parent.is_dir():
            raise LocalisedAcquisitionError("output.no_directory", path=output.parent)
        if output_on_source(output.parent, media.identity):
            raise AcquisitionError(f"{output}: the output would be written onto the source device; choose another disk")
        start = None
        sink: ImageSink
        if resume:  # the interrupted run, checked, cut back and continued (evidence.acquisition.resume)
            start, earlier, sink = resume_run(
                record_path, output, media, output_format, split_size, compress, media_type, physical, retries, progress
            )
            names, window, case = earlier.algorithms, earlier.window or window, earlier.case
        else:
            refuse_rerun(record_path, output, output_format)
            if output_format == "raw":
                planned_paths(output, split_size, media.size)  # a bad --split is refused before anything is created
            sink = factory(
                output,
                split_size=split_size,
                media_size=media.size,
                source=media.identity,
                case=case or CaseMetadata(),
                compress=compress,
                media_type=media_type,
                physical=physical,
            )
        return acquire(
            media,
            sink,
            record_path=record_path,
            output_format=output_format,
            algorithms=names,
            window=window,
            case=case,
            retries=retries,
            progress=progress,
            start=start,
        )
    finally:
        media.close()


__all__ = [
    "SINK_FACTORIES",
    "AcquisitionRecord",
    "CaseMetadata",
    "IdentifiedMedia",
    "SinkFactory",
    "acquire",
    "acquire_image",
    "block_device_identity",
    "output_on_source",
]
