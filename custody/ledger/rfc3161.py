"""RFC 3161 time-stamp tokens over ledger checkpoints: the request, the reply, and its offline verification.

What is time-stamped is one checkpoint: the message imprint is the SHA-256 of the checkpoint as the ledger key
signed it, in UTF-8: the note text (origin, size, base64 root lines), the blank line, and the ledger key's own
signature line (``— <key name> <base64>``), each line ending in a newline. That is the note ``scelle custody
checkpoint`` prints; cosignature lines a witness adds later are not part of it, so cosigning a checkpoint does not
change what its time-stamp covers. ``checkpoint_imprint_bytes`` returns those exact bytes.

A token only proves that this digest existed before the TSA's time (``genTime``); it says nothing about who wrote
the ledger or whether its events are true. Verification (``verify_reply``) is offline, with rfc3161-client: the
reply's status is *granted*, its CMS signature chains, at ``genTime``, to a root certificate the caller trusts, the
signing certificate has the critical ``timeStamping`` extended key usage, and the imprint is the expected one.

The whole reply (``TimeStampResp``: status and token) is kept as the TSA sent it, because that is the form the
verifier reads; the token inside it is the standard ``TimeStampToken``. Pure code: no I/O, no clock.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from custody import i18n
from custody.errors import CustodyError
from custody.model.times import format_utc
from custody.tlog.notes import NoteError, parse_note
from evidence.common.zones import shown_stored

SHA256_OID = x509.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
MAX_REPLY_SIZE = 1 << 20
"""A TSA reply is a few kilobytes; anything larger than this is refused before it is parsed."""


class TimestampError(CustodyError):
    """A time-stamp request, reply or certificate is unusable; ``code`` and ``params`` name the message in the
    catalogue (``custody.i18n``), so the command line can state it in the user's language (``localised``)."""

    kind = "error.kind.timestamp"

    def __init__(self, code: str, lang: str = "en", *, exit_code: int = 1, **params: object) -> None:
        self.code, self.params, self.exit_code = code, params, exit_code
        super().__init__(i18n.message(code, lang, **params))

    def localised(self, lang: str) -> TimestampError:
        """The same error, stated in ``lang``."""
        return TimestampError(self.code, lang, exit_code=self.exit_code, **self.params)


@dataclass(frozen=True, slots=True, kw_only=True)
class TimestampInfo:
    """What a reply says (before or after it is verified): the imprint, the TSA's time, its serial and name."""

    imprint: bytes
    time: datetime
    serial: int
    tsa: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TimestampCheck:
    """One kept reply as verification saw it: ``status`` is ``verified``, ``failed`` or ``not checked``.

    ``time`` and ``tsa`` are set only when verified (a time not checked against a trusted TSA is not shown);
    ``code`` and ``params`` name the problem in the catalogue when it failed."""

    index: int
    size: int
    status: str
    time: datetime | None = None
    tsa: str | None = None
    code: str | None = None
    params: Mapping[str, object] | None = None

    def text(self, lang: str = "en", zone: str | None = None) -> str:
        """The line a report shows for this check, in ``lang``; the TSA's time in ``zone`` with its offset (as
        stored, in UTC, when None)."""
        if self.status == "verified" and self.time is not None:
            time = shown_stored(format_utc(self.time), zone)
            return i18n.message("tsa.verified", lang, size=self.size, time=time, tsa=self.tsa)
        if self.status == "failed":
            problem = i18n.message(self.code or "tsa.unreadable", lang, **(self.params or {}))
            if self.code == "tsa.none_stored":
                return problem
            return i18n.message("tsa.failed", lang, index=self.index, size=self.size, problem=problem)
        return i18n.message("tsa.unchecked.one", lang, count=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class TsaTrust:
    """The TSA certificates a verifier trusts: self-signed roots, and other certificates that may complete a chain.

    A token is accepted when its signing certificate chains to one of ``roots``; an intermediate alone is no trust
    anchor (OpenSSL, under rfc3161-client, stops a chain only at a self-signed certificate).
    """

    roots: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...] = ()

    @classmethod
    def from_certificates(cls, certificates: Iterable[x509.Certificate]) -> TsaTrust:
        """Sort certificates into roots (self-signed) and intermediates; at least one root is needed."""
        roots: list[x509.Certificate] = []
        others: list[x509.Certificate] = []
        for cert in certificates:
            target = roots if cert.subject == cert.issuer else others
            if cert not in target:
                target.append(cert)
        if not roots:
            raise TimestampError("tsa.no_root", exit_code=2)
        return cls(roots=tuple(roots), intermediates=tuple(others))


def checkpoint_imprint_bytes(note: str, key_name: str) -> bytes:
    """The bytes a checkpoint's time-stamp covers: the note with only the ledger key's signature line(s)."""
    try:
        text, signatures = parse_note(note)
    except NoteError as exc:
        raise TimestampError("tsa.bad_checkpoint", detail=str(exc)) from exc
    own = "".join(s.line() for s in signatures if s.name == key_name)
    return (text + "\n" + own).encode("utf-8")


def checkpoint_imprint(note: str, key_name: str) -> bytes:
    """The message imprint of a checkpoint: SHA-256 of ``checkpoint_imprint_bytes``."""
    return hashlib.sha256(checkpoint_imprint_bytes(note, key_name)).digest()


def make_request(message: bytes) -> tuple[bytes, int | None]:
    """A DER ``TimeStampReq`` for SHA-256(``message``), asking for the TSA certificate, with a random nonce;
    returns (request, nonce)."""
    request = TimestampRequestBuilder(data=message, hash_algorithm=HashAlgorithm.SHA256, cert_req=True).build()
    return request.as_bytes(), request.nonce


def _decode(reply: bytes) -> TimeStampResponse:
    if len(reply) > MAX_REPLY_SIZE:
        raise TimestampError("tsa.unreadable", detail=f"{len(reply)} bytes, more than {MAX_REPLY_SIZE}")
    try:
        response = decode_timestamp_response(bytes(reply))
    except Exception as exc:  # a parser of untrusted bytes: any failure means "unreadable"
        raise TimestampError("tsa.unreadable", detail=str(exc).splitlines()[0] if str(exc) else "DER error") from exc
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        raise TimestampError("tsa.not_granted", status=response.status)
    return response


def read_reply(reply: bytes, *, nonce: int | None = None) -> TimestampInfo:
    """Read a ``TimeStampResp`` (not verified): refuse one that is unreadable, not granted, not SHA-256, or (when
    ``nonce`` is given, for a reply to our own request) answering another request."""
    response = _decode(reply)
    try:
        info = response.tst_info
        imprint = info.message_imprint
        algorithm, digest = imprint.hash_algorithm, bytes(imprint.message)
        time, serial, got_nonce = info.gen_time, int(info.serial_number), info.nonce
        tsa = _tsa_name(response)
    except Exception as exc:  # the fields are parsed lazily, from untrusted bytes
        raise TimestampError("tsa.unreadable", detail=str(exc)) from exc
    if algorithm != SHA256_OID or len(digest) != 32:
        raise TimestampError("tsa.not_sha256", algorithm=algorithm.dotted_string)
    if nonce is not None and got_nonce != nonce:
        raise TimestampError("tsa.nonce", expected=nonce, got=got_nonce)
    return TimestampInfo(imprint=digest, time=time, serial=serial, tsa=tsa)


def _tsa_name(response: TimeStampResponse) -> str:
    """The subject of the certificate that signed the token (as the token says; trusted only once verified)."""
    signers = list(response.signed_data.signer_infos)
    for der in response.signed_data.certificates:
        cert = x509.load_der_x509_certificate(der)
        if signers and (cert.issuer, cert.serial_number) == (signers[0].issuer, signers[0].serial_number):
            return cert.subject.rfc4514_string()
    return signers[0].issuer.rfc4514_string() + " (certificate not in the token)" if signers else "unknown TSA"


def verify_reply(reply: bytes, imprint: bytes, trust: TsaTrust) -> TimestampInfo:
    """Verify a reply offline against the trusted TSA roots and the expected imprint; return what it says.

    Raises ``TimestampError`` (exit 3) when the token does not verify, is signed by an untrusted TSA, or covers
    another digest.
    """
    info = read_reply(reply)
    if info.imprint != imprint:
        raise _failed("tsa.other_imprint", expected=imprint.hex(), got=info.imprint.hex())
    builder = VerifierBuilder(roots=list(trust.roots), intermediates=list(trust.intermediates))
    try:
        builder.build().verify(_decode(reply), imprint)
    except VerificationError as exc:
        raise _failed("tsa.untrusted", detail=_one_line(str(exc))) from exc
    except Exception as exc:  # the verifier reads untrusted bytes (a malformed certificate...)
        raise _failed("tsa.untrusted", detail=f"{type(exc).__name__}: {exc}") from exc
    return info


def _failed(code: str, **params: object) -> TimestampError:
    return TimestampError(code, "en", exit_code=3, **params)


def _one_line(text: str) -> str:
    """rfc3161-client's message, with OpenSSL's error stack cut down to its reason (``data: "..."``)."""
    head, _, stack = text.partition("ErrorStack")
    reason = re.search(r'data: "([^"]+)"', stack) or re.search(r'reason: "([^"]+)"', stack)
    head = head.strip().rstrip(":").strip()
    return f"{head}: {reason.group(1)}" if reason else head or text.splitlines()[0]


def timestamp_findings(checks: Iterable[TimestampCheck], lang: str = "en") -> list[str]:
    """One finding line per failed check, in ``lang``."""
    return [check.text(lang) for check in checks if check.status == "failed"]
