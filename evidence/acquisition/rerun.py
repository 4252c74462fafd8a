"""A second run of an acquisition to an output that already has a record: refused, saying what to do.

The outputs are never overwritten. When the earlier run did not finish (Ctrl-C, SIGTERM, a read or write failure:
its record is ``incomplete`` or ``failed``), the examiner is told which files it left, so that removing exactly
those starts it again; when it finished, to choose another name.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from evidence.acquisition.checkpoint import CHECKPOINT_KEYS, RecordReserve
from evidence.acquisition.raw_sink import segment_path as raw_segment
from evidence.acquisition.record import AcquisitionRecord, RecordError, load_record, log_path_for
from evidence.common.messages import LocalisedAcquisitionError


def left_behind(record_path: Path, output: Path, output_format: str) -> list[Path]:
    """The files an acquisition to ``output`` may have written that exist now: its image files, record and log."""
    if output_format == "e01":
        from evidence.ewf.writer import segment_path, segment_paths_base

        base, upper = segment_paths_base(output)
        images = _existing(segment_path(base, n, upper=upper) for n in range(1, 10_000))
    else:
        images = ([output] if output.exists() else []) + _existing(raw_segment(output, i) for i in range(10_000))
    log, reserve = log_path_for(record_path), RecordReserve.path_for(record_path)
    return [*images, record_path, *(p for p in (log, reserve) if p.exists())]


def _existing(paths: object) -> list[Path]:
    found = []
    for path in paths:  # type: ignore[attr-defined]
        if not path.exists():
            break
        found.append(path)
    return found


def resumable(record: AcquisitionRecord) -> bool:
    """Whether the record vouches for a part of the image that ``--resume`` can continue from."""
    if record.format == "e01":
        return bool(record.windows) and all(key in record.format_details for key in CHECKPOINT_KEYS)
    return record.format == "raw" and bool(record.windows)


def refuse_rerun(record_path: Path, output: Path, output_format: str) -> None:
    """Raise, when ``record_path`` exists, the error that says what the earlier run left and what to do."""
    if not record_path.exists() and not record_path.is_symlink():
        return
    try:
        record = load_record(record_path)
    except RecordError as exc:
        raise LocalisedAcquisitionError("acquire.unreadable_record", record=record_path) from exc
    if record.status == "complete":
        raise LocalisedAcquisitionError("acquire.done", record=record_path, status=record.status)
    files = " ".join(shlex.quote(str(p)) for p in left_behind(record_path, output, output_format))
    reason = record.reason or "-"
    code = "acquire.interrupted.resumable" if resumable(record) else "acquire.interrupted"
    raise LocalisedAcquisitionError(code, record=record_path, status=record.status, reason=reason, files=files)
