"""Verification: re-hash an image (and optionally its source) and compare with what was recorded at acquisition.

Inputs: a raw image or the first split segment with ``X.acquisition.json`` next to it, or an E01 set (its stored
MD5/SHA-1 are checked; a record, when present, adds SHA-256/BLAKE3, piecewise digests and segment-file digests).
``verify_image`` keeps the contract of ``evidence.common.report``: it returns a report only when everything matched and
raises ``VerificationError`` (an ``IntegrityError``, exit 3) carrying the report otherwise. Nothing to compare
against (no record, an E01 with no stored hash) is an error too, never a pass.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from evidence.acquisition.blockread import digest_source
from evidence.acquisition.media import FileMedia
from evidence.acquisition.record import (
    RECORD_SUFFIX,
    AcquisitionRecord,
    IncompleteRecordError,
    LocalisedRecordError,
    find_record,
    load_record,
)
from evidence.acquisition.segment_reader import SegmentDigester, SegmentReader
from evidence.common.errors import ImageError
from evidence.common.messages import Notice, message
from evidence.common.positional import PositionalReader
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.common.reasons import os_reason
from evidence.common.report import Report, VerificationError
from evidence.hashing.digest import labelled
from evidence.hashing.result import ALGORITHMS, DigestResult, WindowDigest
from evidence.hashing.streams import digest_file, digest_media, digest_stream
from evidence.sources import container_of, open_image
from evidence.sources.base import ImageSource

#: the subject of the checks against digests the user gives (``verify --expect``)
EXPECTED = "expected"


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestCheck:
    """One comparison: ``subject`` (``media``, ``source``, ``stored``, or a segment file name) for one algorithm."""

    subject: str
    algorithm: str
    expected: str
    computed: str | None

    @property
    def ok(self) -> bool:
        """True when the computed digest equals the expected one."""
        return self.computed == self.expected

    def to_json(self) -> dict[str, Any]:
        """One entry of the report's ``checks``."""
        return {
            "subject": self.subject,
            "algorithm": self.algorithm,
            "expected": self.expected,
            "computed": self.computed,
            "match": self.ok,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowMismatch:
    """The first piecewise window whose digest differs: it holds the first differing byte."""

    subject: str
    index: int
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        """The report's ``first_mismatch`` entries."""
        return {"subject": self.subject, "window": self.index, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True, kw_only=True)
class VerificationReport(Report):
    """What was compared and how it came out (``checks``: the digest comparisons, its ``results``)."""

    image: str
    record: str | None
    format: str
    media_size: int
    checks: tuple[DigestCheck, ...] = ()
    first_mismatch: tuple[WindowMismatch, ...] = ()
    #: what kept the verification from being made or complete (``str`` gives the English, ``text`` any language)
    problems: tuple[Notice, ...] = field(default=())
    #: how the image was read when it matters to the result (a damaged EWF table read through its backup copy)
    notices: tuple[Notice, ...] = field(default=())

    @property
    def subject(self) -> str:
        """The image (its first segment)."""
        return self.image

    @property
    def results(self) -> tuple[DigestCheck, ...]:
        """Every digest comparison."""
        return self.checks

    @property
    def ok(self) -> bool:
        """True when there was something to compare and everything matched."""
        return bool(self.checks) and all(c.ok for c in self.checks) and not self.problems and not self.first_mismatch

    def failure_message(self, lang: str = "en") -> str:
        """``IMAGE: verification failed: `` then the first two mismatches (both digests), windows and problems, in
        ``lang``."""
        failed = [c for c in self.checks if not c.ok]
        parts = [
            Notice(
                "verify.expected_got",
                subject=subject_notice(c.subject),
                expected=labelled(c.algorithm, c.expected),
                got=labelled(c.algorithm, c.computed) if c.computed else Notice("verify.nothing"),
            )
            for c in failed[:2]
        ]
        parts += [
            Notice("verify.first_mismatch_at", subject=subject_notice(m.subject), start=m.start, end=m.end)
            for m in self.first_mismatch[:1]
        ]
        parts += list(self.problems[:2])
        said = parts or [Notice("verify.nothing_to_compare")]
        return message("verify.failed", lang, image=self.image, parts=said)

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object."""
        return {
            "image": self.image,
            "record": self.record,
            "format": self.format,
            "media_size": self.media_size,
            "status": "match" if self.ok else "mismatch",
            "checks": [c.to_json() for c in self.checks],
            "first_mismatch": [m.to_json() for m in self.first_mismatch],
            "problems": [str(problem) for problem in self.problems],
            "notes": [notice.text("en") for notice in self.notices],
        }


def compare_digests(subject: str, expected: Mapping[str, str], computed: Mapping[str, str]) -> list[DigestCheck]:
    """One ``DigestCheck`` per expected algorithm."""
    order = {name: i for i, name in enumerate(ALGORITHMS)}
    return [
        DigestCheck(subject=subject, algorithm=name, expected=expected[name].lower(), computed=computed.get(name))
        for name in sorted(expected, key=lambda n: (order.get(n, len(order)), n))
    ]


def first_window_mismatch(
    subject: str, expected: Sequence[WindowDigest], computed: Sequence[WindowDigest]
) -> WindowMismatch | None:
    """The first prefix window whose digests differ (or that is missing on one side)."""
    start = 0
    for index, want in enumerate(expected):
        got = computed[index] if index < len(computed) else None
        if got is None or got.end != want.end or any(got.digests.get(k) != v for k, v in want.digests.items()):
            return WindowMismatch(subject=subject, index=index, start=start, end=want.end)
        start = want.end
    if len(computed) > len(expected):
        return WindowMismatch(subject=subject, index=len(expected), start=start, end=computed[len(expected)].end)
    return None


def _check_against_record(
    subject: str, record: AcquisitionRecord, result: DigestResult
) -> tuple[list[DigestCheck], list[WindowMismatch]]:
    checks = compare_digests(subject, record.media_digests, result.hexdigests())
    mismatch = first_window_mismatch(subject, record.windows, result.windows) if record.windows else None
    return checks, [mismatch] if mismatch is not None else []


def _verify_raw(
    images: Sequence[Path],
    record_path: Path,
    record: AcquisitionRecord,
    progress: ProgressObserver,
    expect: Mapping[str, str],
) -> VerificationReport:
    outputs = list(record.outputs)
    problems = _segment_problems(images, outputs)
    base = VerificationReport(
        image=str(images[0]), record=str(record_path), format=record.format, media_size=record.media_size
    )
    if problems:
        return replace(base, problems=tuple(problems))
    digester = SegmentDigester(outputs) if len(outputs) > 1 else None
    with SegmentReader([o.path for o in outputs]) as reader:
        progress.started(f"verifying {images[0]}", record.media_size)
        try:
            result = digest_stream(
                reader,
                record.media_size,
                sorted({*record.algorithms, *expect}),
                record.window,
                progress=progress,
                extra_consumers=[digester] if digester else [],
            )
        finally:
            progress.finished()
    checks, mismatches = _check_against_record("media", record, result)
    checks += compare_digests(EXPECTED, expect, result.hexdigests())
    if digester is not None:
        for output, computed in zip(outputs, digester.results(), strict=True):
            checks += compare_digests(output.path.name, output.digests, computed)
    return replace(base, checks=tuple(checks), first_mismatch=tuple(mismatches))


def subject_notice(subject: str) -> Notice | str:
    """What a digest check is about (the media, the digest stored in the image, the one expected), to state in a
    language; another subject (a segment file's name) as it is."""
    return Notice(f"verify.subject.{subject}") if subject in ("media", "stored", "expected") else subject


def _segment_problems(images: Sequence[Path], outputs: Sequence[Any]) -> list[Notice]:
    problems: list[Notice] = []
    recorded = {os.path.abspath(o.path) for o in outputs}
    for image in images:
        if os.path.abspath(image) not in recorded:
            problems.append(Notice("verify.not_listed", image=image))
    for output in outputs:
        try:
            size = output.path.stat().st_size
        except OSError as exc:
            problems.append(Notice("verify.unreadable_segment", path=output.path, reason=os_reason(exc)))
            continue
        if size != output.size:
            problems.append(Notice("verify.size", path=output.path, size=size, expected=output.size))
    if not outputs:
        problems.append(Notice("verify.no_output"))
    return problems


class _Prefix:
    """The first ``size`` bytes of an image, for digests that cover less than the whole media."""

    def __init__(self, media: ImageSource, size: int) -> None:
        self._media = media
        self.size = size

    def readinto_at(self, offset: int, buffer: memoryview, /) -> int:
        return self._media.readinto_at(offset, buffer[: max(0, min(len(buffer), self.size - offset))])


def _digest_container(
    image: ImageSource,
    stored: Mapping[str, str],
    record: AcquisitionRecord | None,
    progress: ProgressObserver,
    expect: Mapping[str, str],
) -> tuple[DigestResult | None, DigestResult | None]:
    """Digests to compare with the stored hashes (whole media) and with the record (the source's bytes).

    EWF stores whole sectors: a source whose size is not a multiple of the sector size was zero-padded, so its
    stored MD5/SHA-1 cover the padded media while the record covers the source's own bytes. Then the two are
    computed separately; otherwise one pass serves both.
    """
    window = record.window if record else None
    passes: list[tuple[PositionalReader, set[str], int | None]] = []
    if record is None or record.media_size == image.size:
        passes.append((image, {*stored, *expect, *(record.media_digests if record else ())}, window))
    else:  # what was written on a seizure form is the source's digest: the record's bytes, not the padding
        prefix = _Prefix(image, record.media_size)
        passes += [(image, set(stored), None), (prefix, {*record.media_digests, *expect}, window)]
    results: list[DigestResult | None] = []
    for media, algorithms, size_window in passes:
        if not algorithms:
            results.append(None)
            continue
        progress.started(f"verifying {image.segments[0]}", media.size)
        try:
            results.append(digest_media(media, sorted(algorithms), size_window, progress=progress))
        finally:
            progress.finished()
    return (results[0], results[0]) if len(results) == 1 else (results[0], results[1])


def _size_problem(image: ImageSource, record: AcquisitionRecord | None) -> Notice | None:
    if record is None or 0 <= image.size - record.media_size < image.metadata.sector_size:
        return None
    return Notice("verify.image_size", path=image.segments[0], size=image.size, expected=record.media_size)


def _verify_container(
    images: Sequence[Path],
    record_path: Path | None,
    record: AcquisitionRecord | None,
    progress: ProgressObserver,
    expect: Mapping[str, str],
) -> VerificationReport:
    with open_image(list(images)) as image, ThreadPoolExecutor(max_workers=1) as files:
        # the container files' digests (from the record) are computed while the media is hashed, not after
        outputs = [(o, files.submit(digest_file, o.path, o.digests)) for o in (record.outputs if record else ())]
        stored = dict(image.metadata.stored_hashes)
        base = VerificationReport(
            image=str(images[0]),
            record=str(record_path) if record_path else None,
            format=image.format,
            media_size=image.size,
            notices=image.notices,
        )
        if not stored and record is None and not expect:
            raise VerificationError(
                replace(
                    base,
                    problems=(Notice("verify.nothing_to_verify"),),
                )
            )
        problem = _size_problem(image, record)
        if problem is not None:
            return replace(base, problems=(problem,))
        try:
            whole, source = _digest_container(image, stored, record, progress, expect)
        except ImageError as exc:
            return replace(base, problems=(Notice("verify.read_failed", reason=exc),))
    checks = compare_digests("stored", stored, whole.hexdigests() if whole else {})
    mismatches: list[WindowMismatch] = []
    checks += compare_digests(EXPECTED, expect, source.hexdigests() if source else {})
    if record is not None and source is not None:
        more, mismatches = _check_against_record("media", record, source)
        checks += more
        for output, future in outputs:
            checks += compare_digests(output.path.name, output.digests, future.result().hexdigests())
    return replace(base, checks=tuple(checks), first_mismatch=tuple(mismatches))


def _verify_source(
    report: VerificationReport, source: Path, record: AcquisitionRecord, progress: ProgressObserver
) -> VerificationReport:
    media = FileMedia(source)
    try:
        problems = list(report.problems)
        if media.size != record.media_size:
            problems.append(Notice("verify.size", path=source, size=media.size, expected=record.media_size))
            return replace(report, problems=tuple(problems))
        progress.started(f"re-reading source {source}", media.size)
        try:
            result = digest_source(media, record.algorithms, record.window, progress=progress)
        finally:
            progress.finished()
    finally:
        media.close()
    checks, mismatches = _check_against_record("source", record, result)
    return replace(
        report, checks=report.checks + tuple(checks), first_mismatch=report.first_mismatch + tuple(mismatches)
    )


def verify_image(
    images: Sequence[str | os.PathLike[str]],
    *,
    source: str | os.PathLike[str] | None = None,
    progress: ProgressObserver = NULL_PROGRESS,
    expect: Mapping[str, str] | None = None,
) -> VerificationReport:
    """Verify an image against its acquisition record and/or stored hashes; with ``source``, re-read that too.

    ``expect`` (algorithm -> hex, as written on a seizure form) adds checks of the media's digests, subject
    ``expected``; with it, a raw image without a record can be verified against those values alone.

    Returns the report when everything matches; raises ``VerificationError`` (exit 3) with the report otherwise,
    ``RecordError`` when a raw image has no usable record, ``ImageError`` when the image cannot be opened.
    """
    paths = [Path(p) for p in images]
    expect = dict(expect or {})
    if not paths:
        raise ImageError("no image file given")
    record_path = find_record(paths[0])
    record = load_record(record_path) if record_path else None
    if record is not None and record.status != "complete":
        raise IncompleteRecordError.of(record_path, record.status, record.reason)
    if record is not None and record_path is not None and record.format == "raw":
        report = _verify_raw(paths, record_path, record, progress, expect)
    elif _is_raw(paths[0]) and record is None and not expect:
        raise LocalisedRecordError("verify.no_record", image=paths[0], record=f"{paths[0].name}{RECORD_SUFFIX}")
    else:
        report = _verify_container(paths, record_path, record, progress, expect)
    if source is not None:
        if record is None:
            raise LocalisedRecordError("verify.source_needs_record", image=paths[0])
        report = _verify_source(report, Path(source), record, progress)
    report.raise_for_failure()
    return report


def _is_raw(path: Path) -> bool:
    # the same judgement as open_image: a damaged or cut E01 is refused here, not sent looking for a raw record
    return container_of(path) == "raw"
