"""The acquisition log beside the image, ``OUTPUT.acquisition.txt``: the record's facts for a person, in ``--lang``.

Guymager writes ``.info`` and dc3dd ``log=``: examiners print such a file and attach it to their report. The JSON
record stays the reference (the log quotes its SHA-256); this file says the same things in sentences a court reads,
plus the outcome of ``--verify``. Times are the record's UTC instants shown in the examiner's zone (``--tz``, else
the host's), each with its offset, and the zone is named once at the top; the JSON record stays in UTC.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from custody.i18n.messages import message
from evidence.acquisition.record import log_path_for
from evidence.acquisition.verify import VerificationReport
from evidence.common.zones import shown_stored
from evidence.hashing.digest import labelled

if TYPE_CHECKING:
    from evidence.acquisition.record import AcquisitionRecord
    from evidence.common.progress import ProgressObserver


def _colon(lang: str) -> str:
    """French typography puts a space before the colon."""
    return " :" if lang == "fr" else ":"


def _line(lang: str, key: str, value: object) -> str:
    return f"{message(key, lang)}{_colon(lang)} {value}"


def subject_text(subject: str, lang: str) -> str:
    """What a digest check is about (the media, the digest stored in the image, the one expected), in ``lang``."""
    from evidence.acquisition.verify import subject_notice

    said = subject_notice(subject)
    return said if isinstance(said, str) else said.text(lang)


def _when(stored: str | None, zone: str) -> str:
    """A time of the record (a UTC instant in RFC 3339) in ``zone`` with its offset; ``-`` when not set."""
    return shown_stored(stored, zone) if stored else "-"


def _case_lines(record: AcquisitionRecord, lang: str) -> list[str]:
    case = record.case.to_json()
    return [_line(lang, f"log.{name}", value) for name, value in case.items() if value]


def _source_lines(record: AcquisitionRecord, lang: str) -> list[str]:
    source = record.source
    kind = message(f"log.source.kind.{source.kind}", lang) if source.kind in ("file", "block-device") else source.kind
    parts = [source.path, kind, message("log.bytes", lang, count=source.size)]
    if source.read_only is not None:
        parts.append(message("log.source.read_only" if source.read_only else "log.source.writable", lang))
    lines = [_line(lang, "log.source", ", ".join(parts))]
    for name in ("vendor", "model", "serial"):
        value = getattr(source, name)
        if value:
            lines.append("  " + _line(lang, f"log.source.{name}", value))
    return lines


def _content_lines(record: AcquisitionRecord, lang: str) -> list[str]:
    lines = [_line(lang, "log.format", record.format)]
    if record.format_details:
        details = ", ".join(f"{k}={v}" for k, v in sorted(record.format_details.items()))
        lines.append(_line(lang, "log.format_details", details))
    lines.append(_line(lang, "log.media_size", message("log.bytes", lang, count=record.media_size)))
    lines.append(_line(lang, "log.bytes_acquired", message("log.bytes", lang, count=record.bytes_acquired)))
    lines.append(message("log.digests", lang) + _colon(lang))
    lines += [f"  {labelled(name, value)}" for name, value in record.media_digests.items()]
    if not record.media_digests:
        lines.append(f"  {message('log.none', lang)}")
    if record.windows and record.window:
        key = "log.piecewise.one" if len(record.windows) == 1 else "log.piecewise"
        lines.append(message(key, lang, count=len(record.windows), window=record.window))
    lines.append(message("log.outputs", lang) + _colon(lang))
    for output in record.outputs:
        lines.append(f"  {output.path.name} ({message('log.bytes', lang, count=output.size)})")
        lines += [f"    {labelled(name, value)}" for name, value in output.digests.items()]
    lines.append(_line(lang, "log.read_errors", record.read_errors))
    for bad in record.unreadable:
        end = bad.offset + bad.length
        lines.append("  " + message("log.unreadable", lang, start=bad.offset, end=end, count=bad.length))
    return lines


def _verification_lines(report: VerificationReport | None, with_source: bool, lang: str) -> list[str]:
    if report is None:
        return [_line(lang, "log.verification", message("log.verification.not_done", lang))]
    what = message("log.verification.source" if with_source else "log.verification.image", lang)
    verdict = message("log.verification.ok" if report.ok else "log.verification.mismatch", lang)
    lines = [_line(lang, "log.verification", f"{what}{_colon(lang)} {verdict}")]
    for check in report.checks:
        mark = message("log.verification.ok" if check.ok else "log.verification.mismatch", lang)
        subject = subject_text(check.subject, lang)
        lines.append(f"  {subject}{_colon(lang)} {labelled(check.algorithm, check.expected)} {mark}")
    lines += [f"  {problem.text(lang)}" for problem in report.problems]
    return lines


def render_log(
    record: AcquisitionRecord,
    record_path: Path,
    lang: str,
    report: VerificationReport | None = None,
    *,
    with_source: bool = False,
    zone: str = "UTC",
) -> str:
    """The text of the log for ``record`` (stored at ``record_path``) and the optional verification ``report``;
    its times in ``zone`` with their offset."""
    title = message("log.title", lang)
    record_digest = "sha256:" + hashlib.sha256(record_path.read_bytes()).hexdigest()
    status = message(f"log.status.{record.status}", lang)
    host = record.host
    lines = [
        title,
        "=" * len(title),
        message("log.intro", lang, record=record_path.name),
        "",
        _line(lang, "log.status", status),
        *([_line(lang, "log.reason", record.reason)] if record.reason else []),
        _line(lang, "log.tool", f"{record.tool} {record.version}"),
        _line(
            lang,
            "log.host",
            f"{host.get('hostname', '?')} ({host.get('system', '?')} {host.get('release', '')}, "
            f"{host.get('machine', '?')})",
        ),
        _line(lang, "log.time_zone", zone),
        _line(lang, "log.started", _when(record.started_at, zone)),
        _line(lang, "log.ended", _when(record.ended_at, zone)),
        *_case_lines(record, lang),
        "",
        *_source_lines(record, lang),
        "",
        *_content_lines(record, lang),
        "",
        *_verification_lines(report, with_source, lang),
        "",
        _line(lang, "log.record", f"{record_path.name} ({record_digest})"),
    ]
    return "\n".join(lines) + "\n"


def write_log(
    record: AcquisitionRecord,
    record_path: Path,
    lang: str,
    report: VerificationReport | None = None,
    *,
    with_source: bool = False,
    zone: str = "UTC",
) -> Path:
    """Write (or rewrite, after --verify) the log beside the record, its times in ``zone``; return its path."""
    path = log_path_for(record_path)
    text = render_log(record, record_path, lang, report, with_source=with_source, zone=zone)
    path.write_text(text, encoding="utf-8")
    return path


@contextmanager
def logged_on_failure(record_path: Path, lang: str, zone: str = "UTC") -> Iterator[None]:
    """When the acquisition stops (interrupted, failed), write the log of the record it left, then re-raise."""
    from evidence.acquisition.record import load_record

    existed = record_path.exists()  # a record of an earlier run, refused: not ours to describe
    try:
        yield
    except BaseException:
        if not existed and record_path.is_file():
            with suppress(Exception):  # the log must never hide the reason the acquisition stopped
                write_log(load_record(record_path), record_path, lang, zone=zone)
        raise


def read_back(record: AcquisitionRecord, source: str | None, progress: ProgressObserver) -> VerificationReport:
    """``acquire --verify``: verify the image just written (and the source) against its record; the report,
    whether it matched or not (the caller writes it into the log, then fails)."""
    from evidence.acquisition.verify import verify_image
    from evidence.common.report import VerificationError

    try:
        return verify_image([record.outputs[0].path], source=source, progress=progress)
    except VerificationError as exc:
        if isinstance(exc.report, VerificationReport):
            return exc.report
        raise
