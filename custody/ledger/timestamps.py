"""RFC 3161 time-stamps of a ledger's checkpoints: ask a TSA, keep its reply, check the replies kept.

Optional per ledger: ``timestamp_ledger`` asks a time-stamping authority (HTTP POST of an
``application/timestamp-query``, RFC 3161 §3.4) for a token over the latest checkpoint, or takes a reply obtained by
other means (``timestamp_request`` writes the request for that), and keeps it in the ledger's ``timestamps`` table.
What is hashed is said in ``custody.ledger.rfc3161``: SHA-256 of the checkpoint note as the ledger key signed it.

The replies are outside the Merkle tree, like the checkpoints: each is signed by its TSA, so ``check_timestamps``
(called by ``verify_ledger`` with ``tsa=``) verifies each offline against the TSA root certificates the user trusts
(``read_tsa_certs``) and against a checkpoint of this ledger. Without ``tsa`` the replies are counted, never
reported as verified. A time-stamp proves only that a checkpoint existed before the TSA's time; a deleted reply
cannot be noticed, so a time-stamp's absence proves nothing.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography import x509

from custody.ledger.backend import LedgerStore
from custody.ledger.ledger import Ledger
from custody.ledger.report import LedgerReport
from custody.ledger.rfc3161 import (
    MAX_REPLY_SIZE,
    TimestampCheck,
    TimestampError,
    TimestampInfo,
    TsaTrust,
    checkpoint_imprint,
    checkpoint_imprint_bytes,
    make_request,
    read_reply,
    timestamp_findings,
    verify_reply,
)
from custody.ledger.stores import open_store
from custody.tlog.notes import parse_verifier_key

HTTP_TIMEOUT_S = 30.0
QUERY_TYPE = "application/timestamp-query"  # RFC 3161 §3.4


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredTimestamp:
    """A reply just kept: the checkpoint size it covers and what it says (not verified: see ``check_timestamps``)."""

    size: int
    info: TimestampInfo


def read_tsa_certs(paths: Iterable[str | os.PathLike[str]]) -> TsaTrust:
    """The TSA certificates trusted for verification, from PEM files (each may hold several certificates)."""
    certificates: list[x509.Certificate] = []
    for path in paths:
        try:
            certificates += x509.load_pem_x509_certificates(Path(path).read_bytes())
        except (OSError, ValueError) as exc:
            detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise TimestampError("tsa.cert_file", exit_code=2, path=os.fspath(path), detail=detail) from exc
    return TsaTrust.from_certificates(certificates)


def _latest(path: str | os.PathLike[str]) -> tuple[int, bytes, str]:
    """(size, imprinted bytes, key name) of the latest stored checkpoint."""
    with Ledger.open(os.fspath(path), readonly=True) as ledger:
        latest = ledger.store.latest_checkpoint()
        key_name = ledger.header.key_name
    if latest is None:
        raise TimestampError("tsa.no_checkpoint", subject=os.fspath(path))
    size, note = latest
    return size, checkpoint_imprint_bytes(note, key_name), key_name


def timestamp_request(path: str | os.PathLike[str]) -> tuple[int, bytes]:
    """(size, DER ``TimeStampReq``) for the latest checkpoint: to send to a TSA by other means."""
    size, message, _ = _latest(path)
    return size, make_request(message)[0]


def fetch_reply(url: str, request: bytes, *, timeout: float = HTTP_TIMEOUT_S) -> bytes:
    """POST ``request`` to the TSA at ``url`` and return its reply bytes (RFC 3161 §3.4, HTTP transport)."""
    if not url.startswith(("http://", "https://")):
        raise TimestampError("tsa.url", exit_code=2, url=url)
    post = urllib.request.Request(url, data=request, headers={"Content-Type": QUERY_TYPE}, method="POST")  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(post, timeout=timeout) as answer:  # noqa: S310 - scheme checked above
            reply: bytes = answer.read(MAX_REPLY_SIZE + 1)
    except urllib.error.HTTPError as exc:
        raise TimestampError("tsa.http", url=url, detail=f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise TimestampError("tsa.http", url=url, detail=str(reason)) from exc
    return reply


def timestamp_ledger(
    path: str | os.PathLike[str],
    *,
    tsa_url: str | None = None,
    reply: bytes | None = None,
    timeout: float = HTTP_TIMEOUT_S,
) -> StoredTimestamp:
    """Time-stamp a ledger's checkpoint and keep the reply in the ledger; return what the reply says.

    With ``tsa_url``, ask that TSA for a token over the latest checkpoint (with a nonce the reply must echo). With
    ``reply``, keep a reply obtained by other means: it must cover one of the ledger's checkpoints. A reply that is
    unreadable, not granted, not SHA-256 or over no checkpoint of this ledger is refused and nothing is written.
    The reply is not verified against a TSA certificate here (``custody verify --tsa-cert`` does that).
    """
    if (tsa_url is None) == (reply is None):
        raise TimestampError("tsa.one_source", exit_code=2)
    subject = os.fspath(path)
    if tsa_url is not None:
        size, message, key_name = _latest(path)
        request, nonce = make_request(message)
        reply = fetch_reply(tsa_url, request, timeout=timeout)
        info = read_reply(reply, nonce=nonce)
    else:
        assert reply is not None  # noqa: S101 - one of the two, checked above
        info = read_reply(reply)
        with Ledger.open(os.fspath(path), readonly=True) as ledger:
            key_name = ledger.header.key_name
    store = open_store(os.fspath(path))
    try:
        with store.transaction():
            notes = dict(store.checkpoints())
            sizes = [s for s, note in notes.items() if checkpoint_imprint(note, key_name) == info.imprint]
            if not sizes:
                raise TimestampError("tsa.no_match", subject=subject, got=info.imprint.hex())
            size = max(sizes)
            if not store.add_timestamp(size, reply):
                raise TimestampError("tsa.duplicate", subject=subject, size=size)
    finally:
        store.close()
    return StoredTimestamp(size=size, info=info)


def check_timestamps(
    store: LedgerStore, notes: Mapping[int, str], key_name: str, tsa: TsaTrust | None
) -> list[TimestampCheck]:
    """Check every kept reply against the ledger's stored checkpoints (``notes``, size -> note, which the ledger
    verification checks in its own pass) and, when ``tsa`` is given, against the trusted TSA roots.

    With ``tsa`` and no reply kept, one failed check: asking for time-stamps and finding none is not a pass.
    """
    kept = store.timestamps()
    if tsa is None:
        return [TimestampCheck(index=i, size=int(size), status="not checked") for i, (size, _) in enumerate(kept)]
    if not kept:
        return [TimestampCheck(index=0, size=0, status="failed", code="tsa.none_stored", params={})]
    imprints: dict[bytes, int] = {}
    for size, note in sorted(notes.items()):
        try:
            imprints.setdefault(checkpoint_imprint(note, key_name), size)
        except TimestampError:
            continue  # a damaged checkpoint is reported by the ledger verification itself
    return [_check_one(index, int(size), bytes(reply), imprints, tsa) for index, (size, reply) in enumerate(kept)]


def _check_one(index: int, size: int, reply: bytes, imprints: Mapping[bytes, int], tsa: TsaTrust) -> TimestampCheck:
    try:
        claimed = read_reply(reply).imprint
        covered = imprints.get(claimed)
        if covered is None:
            expected = next((i for i, s in imprints.items() if s == size), None)
            raise TimestampError("tsa.other_imprint", got=claimed.hex(), expected=(expected or b"").hex() or "?")
        info = verify_reply(reply, claimed, tsa)
    except TimestampError as exc:
        return TimestampCheck(index=index, size=size, status="failed", code=exc.code, params=exc.params)
    return TimestampCheck(index=index, size=covered, status="verified", time=info.time, tsa=info.tsa)


def with_timestamps(report: LedgerReport, store: LedgerStore, tsa: TsaTrust | None) -> LedgerReport:
    """``report`` (of ``verify_ledger``) with the kept time-stamps checked, each failure one more finding."""
    key_name = parse_verifier_key(report.vkey)[0]
    checks = tuple(check_timestamps(store, dict(store.checkpoints()), key_name, tsa))
    found = timestamp_findings(checks)
    return replace(report, timestamps=checks, findings=report.findings + tuple(found))


def replies_over(path: str | os.PathLike[str], note: str) -> list[bytes]:
    """The kept replies whose imprint is the checkpoint ``note`` (for a bundle made on that checkpoint)."""
    with Ledger.open(os.fspath(path), readonly=True) as ledger:
        imprint = checkpoint_imprint(note, ledger.header.key_name)
        kept = ledger.store.timestamps()
    found = []
    for _size, reply in kept:
        try:
            if read_reply(reply).imprint == imprint:
                found.append(bytes(reply))
        except TimestampError:
            continue  # an unreadable reply is not handed out; `custody verify --tsa-cert` reports it
    return found
