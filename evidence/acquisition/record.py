"""The acquisition record: what was read, when, by whom, into which files, with which digests.

Written next to the output as ``OUTPUT.acquisition.json`` in RFC 8785 canonical JSON, so the record itself can be
hashed and signed (custody events cite it). It is written atomically (temporary file, ``fsync``, ``rename``) and
first as ``"status": "in-progress"``: a process killed at any point leaves a record that does not claim success.
The final status is ``complete``, ``incomplete`` (interrupted; ``reason`` and ``bytes_acquired`` say where) or
``failed``.

Piecewise digests are prefix digests (see ``evidence.hashing.digest``): entry ``{"end": e, "sha256": h}`` is the
SHA-256 of media bytes ``[0, e)``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evidence.acquisition.media import SourceIdentity
from evidence.common import canonical
from evidence.common.errors import AcquisitionError, EvidenceError, IntegrityError
from evidence.common.files import write_atomic
from evidence.common.messages import LocalisedAcquisitionError, LocalisedError
from evidence.common.reasons import os_reason
from evidence.common.sink import OutputFile
from evidence.hashing.pipeline import UnreadableRange
from evidence.hashing.result import ALGORITHMS, WindowDigest

RECORD_SUFFIX = ".acquisition.json"
RECORD_KIND = "scelle-acquisition"
RECORD_VERSION = 1
STATUSES = ("in-progress", "complete", "incomplete", "failed")


class RecordError(EvidenceError):
    """An acquisition record is missing, unreadable or malformed."""

    kind = "error.kind.acquisition_record"


class LocalisedRecordError(LocalisedError, RecordError):
    """A ``RecordError`` from the catalogue (no record next to a raw image...)."""


class IncompleteRecordError(LocalisedError, IntegrityError):
    """The record says its acquisition did not complete: its image cannot be verified (exit 3)."""

    @classmethod
    def of(cls, record: Path | None, status: str, reason: str | None) -> IncompleteRecordError:
        """The error for a record of ``status`` (its word in the user's language) and ``reason``."""
        from evidence.common.messages import MESSAGES, Notice

        code = f"verify.status.{status}"
        said = Notice(code) if code in MESSAGES else status
        return cls("verify.incomplete", record=record, status=said, reason=f" ({reason})" if reason else "")


def utc_now() -> datetime:
    """The edge's clock (the only place acquisition reads the time)."""
    return datetime.now(UTC)


def rfc3339(moment: datetime) -> str:
    """UTC RFC 3339 with ``Z``, second precision (``2024-05-01T09:30:00Z``); naive datetimes are refused."""
    if moment.tzinfo is None:
        raise ValueError("a timestamp must carry its time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseMetadata:
    """Case fields an examiner attaches to an acquisition (the same ones EWF headers carry)."""

    case_number: str | None = None
    evidence_number: str | None = None
    examiner: str | None = None
    description: str | None = None
    notes: str | None = None

    def to_json(self) -> dict[str, str | None]:
        """The record's ``case`` object."""
        return {
            "case_number": self.case_number,
            "evidence_number": self.evidence_number,
            "examiner": self.examiner,
            "description": self.description,
            "notes": self.notes,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class AcquisitionRecord:
    """One acquisition, as stored in ``OUTPUT.acquisition.json``."""

    status: str
    tool: str
    version: str
    host: Mapping[str, str]
    started_at: str
    source: SourceIdentity
    format: str
    algorithms: tuple[str, ...]
    case: CaseMetadata = field(default_factory=CaseMetadata)
    reason: str | None = None
    ended_at: str | None = None
    media_size: int = 0
    bytes_acquired: int = 0
    media_digests: Mapping[str, str] = field(default_factory=dict)
    window: int | None = None
    windows: tuple[WindowDigest, ...] = ()
    outputs: tuple[OutputFile, ...] = ()
    #: how the sink wrote its files (E01: compression, deflate library, chunk and segment size, stored digests)
    format_details: Mapping[str, str | int] = field(default_factory=dict)
    unreadable: tuple[UnreadableRange, ...] = ()
    read_errors: int = 0

    def finished(self, status: str, **changes: Any) -> AcquisitionRecord:
        """A copy with the final ``status`` and the given fields replaced."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        return replace(self, status=status, **changes)

    def to_json(self, base: Path | None = None) -> dict[str, Any]:
        """The JSON object; output paths are made relative to ``base`` (the record's directory) when given."""
        return {
            "kind": RECORD_KIND,
            "record_version": RECORD_VERSION,
            "status": self.status,
            "reason": self.reason,
            "tool": {"name": self.tool, "version": self.version},
            "host": dict(self.host),
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "source": self.source.to_json(),
            "format": self.format,
            "format_details": dict(self.format_details),
            "media_size": self.media_size,
            "bytes_acquired": self.bytes_acquired,
            "algorithms": list(self.algorithms),
            "media_digests": dict(self.media_digests),
            "piecewise": {
                "kind": "prefix",
                "window": self.window,
                "digests": [{"end": w.end, **{k: v.hex() for k, v in w.digests.items()}} for w in self.windows],
            },
            "outputs": [_output_json(f, base) for f in self.outputs],
            "unreadable": [{"offset": r.offset, "length": r.length} for r in self.unreadable],
            "read_errors": self.read_errors,
            "case": self.case.to_json(),
        }

    def encode(self, base: Path | None = None) -> bytes:
        """Canonical (RFC 8785) bytes of ``to_json``."""
        return canonical.encode(self.to_json(base))


def _output_json(output: OutputFile, base: Path | None) -> dict[str, Any]:
    name = os.path.relpath(output.path, base) if base is not None else str(output.path)
    return {"path": name, "size": output.size, "digests": dict(output.digests)}


def record_path_for(output: str | os.PathLike[str]) -> Path:
    """Where the record of an acquisition to ``output`` lives: ``OUTPUT.acquisition.json``."""
    output = Path(output)
    return output.with_name(output.name + RECORD_SUFFIX)


def log_path_for(record_path: Path) -> Path:
    """``OUTPUT.acquisition.txt``, the person's log, beside ``OUTPUT.acquisition.json``."""
    return record_path.with_name(record_path.name.removesuffix(".json") + ".txt")


def find_record(image: Path) -> Path | None:
    """The record of the acquisition that produced ``image``: ``X.acquisition.json`` for ``X`` or ``X.001``."""
    candidates = [image.with_name(image.name + RECORD_SUFFIX)]
    stem = re.sub(r"\.(\d{3,}|[Ee]01|[Ee][Xx]01|[Ss]01)$", "", image.name)
    if stem != image.name:
        candidates.append(image.with_name(stem + RECORD_SUFFIX))
    return next((c for c in candidates if c.is_file()), None)


def write_record(path: Path, record: AcquisitionRecord, *, exclusive: bool = False) -> None:
    """Write ``record`` atomically; with ``exclusive``, fail if ``path`` already exists (first write)."""
    try:
        write_atomic(path, record.encode(path.parent), mode=0o644, exclusive=exclusive)
    except FileExistsError as exc:
        raise AcquisitionError(f"{path}: a record already exists; refusing to overwrite it") from exc
    except OSError as exc:
        raise LocalisedAcquisitionError("record.unwritable", path=path, reason=os_reason(exc)) from exc


def load_record(path: Path) -> AcquisitionRecord:
    """Read and validate a record written by ``write_record``; output paths are resolved against its directory."""
    try:
        data = canonical.decode(path.read_bytes())
    except OSError as exc:
        raise RecordError(f"{path}: cannot read the acquisition record: {exc.strerror or exc}") from exc
    except EvidenceError as exc:
        raise RecordError(f"{path}: not a valid acquisition record: {exc}") from exc
    try:
        return _from_json(data, path.parent)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RecordError(f"{path}: malformed acquisition record: {exc!r}") from exc


def _from_json(data: dict[str, Any], base: Path) -> AcquisitionRecord:
    if data.get("kind") != RECORD_KIND or data.get("record_version") != RECORD_VERSION:
        raise ValueError(f"not a {RECORD_KIND} record version {RECORD_VERSION}")
    if data["status"] not in STATUSES:
        raise ValueError(f"unknown status {data['status']!r}")
    algorithms = tuple(str(a) for a in data["algorithms"])
    if any(a not in ALGORITHMS for a in algorithms):
        raise ValueError(f"unknown algorithm in {algorithms}")
    piecewise = data["piecewise"]
    windows = tuple(
        WindowDigest(end=int(w["end"]), digests={a: bytes.fromhex(w[a]) for a in algorithms if a in w})
        for w in piecewise["digests"]
    )
    outputs = tuple(
        OutputFile(
            path=base / str(o["path"]), size=int(o["size"]), digests={str(k): str(v) for k, v in o["digests"].items()}
        )
        for o in data["outputs"]
    )
    return AcquisitionRecord(
        status=str(data["status"]),
        reason=data["reason"],
        tool=str(data["tool"]["name"]),
        version=str(data["tool"]["version"]),
        host={str(k): str(v) for k, v in data["host"].items()},
        started_at=str(data["started_at"]),
        ended_at=data["ended_at"],
        source=SourceIdentity.from_json(data["source"]),
        format=str(data["format"]),
        format_details={str(k): v for k, v in data.get("format_details", {}).items() if isinstance(v, str | int)},
        algorithms=algorithms,
        media_size=int(data["media_size"]),
        bytes_acquired=int(data["bytes_acquired"]),
        media_digests={str(k): str(v) for k, v in data["media_digests"].items()},
        window=None if piecewise["window"] is None else int(piecewise["window"]),
        windows=windows,
        outputs=outputs,
        unreadable=tuple(UnreadableRange(offset=int(r["offset"]), length=int(r["length"])) for r in data["unreadable"]),
        read_errors=int(data["read_errors"]),
        case=CaseMetadata(**{k: data["case"].get(k) for k in CaseMetadata.__slots__}),
    )
