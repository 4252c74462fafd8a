"""Naming the artefact of a custody event: by digests, by a file, or by scelle's acquisition record.

An image acquired by scelle is best referenced through its acquisition record (``OUTPUT.acquisition.json``): the
event then carries the media digests of the record and the SHA-256 of the record file itself, which binds the event
to everything the record says (source, tool, outputs, read errors). Any other file is hashed (SHA-256 + BLAKE3, the
default set), read once and read-only.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from custody.errors import RecordError
from custody.i18n.said import SaidRecordError
from custody.model.records import Artefact
from custody.model.vocabulary import DIGEST_LENGTHS, parse_digest_ref
from evidence.acquisition.record import RECORD_SUFFIX, find_record, load_record
from evidence.common.errors import EvidenceError
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.hashing.streams import digest_file


def artefact_from_digests(text: str) -> Artefact:
    """``sha256:<hex>[,blake3:<hex>...]`` as an artefact (SHA-256 required)."""
    digests = dict(parse_digest_ref(part.strip(), "--artefact") for part in text.split(",") if part.strip())
    return Artefact(digests=digests)


def artefact_from_record(path: str | os.PathLike[str]) -> Artefact:
    """The media of a complete scelle acquisition, with the digest of its record file."""
    record_path = Path(path)
    try:
        raw = record_path.read_bytes()
        record = load_record(record_path)
    except OSError as exc:
        raise RecordError(f"{record_path}: cannot read: {exc.strerror or exc}") from exc
    if record.status != "complete":
        raise RecordError(f"{record_path}: the acquisition is {record.status}, not complete")
    digests = {k: v for k, v in record.media_digests.items() if k in DIGEST_LENGTHS}
    name = record.outputs[0].path.name if record.outputs else Path(record.source.path).name
    return Artefact(
        digests=digests,
        name=name,
        size=record.media_size,
        acquisition_record="sha256:" + hashlib.sha256(raw).hexdigest(),
    )


def artefact_from_file(path: str | os.PathLike[str], *, progress: ProgressObserver = NULL_PROGRESS) -> Artefact:
    """Any file, hashed with SHA-256 and BLAKE3 (``progress`` is told how far the hashing is)."""
    target = Path(path)
    try:
        size = target.stat().st_size
        progress.started(f"hashing {target}", size or None)
        try:
            result = digest_file(target, progress=progress)
        finally:
            progress.finished()
    except OSError as exc:
        raise RecordError(f"{target}: cannot read: {exc.strerror or exc}") from exc
    except EvidenceError as exc:
        raise RecordError(str(exc)) from exc
    return Artefact(digests=result.hexdigests(), name=target.name, size=size)


def artefact_from_ref(ref: str, *, progress: ProgressObserver = NULL_PROGRESS) -> Artefact:
    """What ``--artefact`` accepts: digests (``sha256:…``), an acquisition record, or any file to hash."""
    if ref.startswith("sha256:") and not os.path.exists(ref):
        return artefact_from_digests(ref)
    if ref.endswith(RECORD_SUFFIX):
        return artefact_from_record(ref)
    record = find_record(Path(ref))  # an image scelle acquired (x.raw, x.001, x.E01): its media, through its record
    if record is not None:
        return artefact_from_record(record)
    if not os.path.isfile(ref):
        raise SaidRecordError("artefact.missing", path=ref)
    return artefact_from_file(ref, progress=progress)
