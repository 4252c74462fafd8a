"""`scelle verify --ledger L --key K`: the ledger, keys and authorities are opened and checked before the image is
read (a wrong passphrase is found in a second, not after hours of hashing), and the ``verified`` event is appended
only when the verification passed; a mismatch records nothing and exits 3."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cli.custody.common import examiner_ledger, split_values
from evidence.common.errors import UsageError

if TYPE_CHECKING:
    from custody.ledger.drafts import Appended
    from custody.ledger.ledger import Ledger
    from custody.model.keys import KeyPair
    from custody.model.records import Artefact
    from evidence.acquisition.verify import VerificationReport


@dataclass(slots=True)
class VerificationCustody:
    """An opened ledger, the examiner's key and what the ``verified`` event will say besides its artefact."""

    ledger: Ledger
    key: KeyPair
    authorities: tuple[str, ...]
    zone: str
    location: str | None
    seal: str | None
    started: datetime

    def append(self, report: VerificationReport, tool: str) -> Appended:
        """Append ``verified`` for the image of ``report`` (which passed), at the time the verification started."""
        return self.append_json(report.to_json(), tool)

    def append_json(self, report: Mapping[str, Any], tool: str, occurred_at: datetime | None = None) -> Appended:
        """Append ``verified`` for a passed report as ``verify --json`` prints it (a batch's worker sends that);
        ``occurred_at``: when that image's verification started (default: when the ledger was opened)."""
        from custody.ledger.drafts import EventDraft

        draft = EventDraft(
            action="verified",
            artefacts=(artefact_of(report),),
            occurred_at=occurred_at or self.started,
            occurred_tz=self.zone,
            authorities=self.authorities,
            location=self.location,
            seal=self.seal,
            tool=tool,
        )
        return self.ledger.record(self.key, draft)


def artefact_of(report: Mapping[str, Any]) -> Artefact:
    """The image of a passed report (``VerificationReport.to_json()``) as the ledger knows it: through its
    acquisition record, else by the digests just computed."""
    from custody.model.artefacts import artefact_from_record
    from custody.model.records import Artefact
    from custody.model.vocabulary import DIGEST_LENGTHS

    if report["record"] is not None:
        return artefact_from_record(report["record"])
    checks = report["checks"]
    digests = {c["algorithm"]: c["expected"] for c in checks if c["match"] and c["algorithm"] in DIGEST_LENGTHS}
    if "sha256" not in digests:
        raise UsageError(
            f"{report['image']}: the ledger names artefacts by SHA-256, which this image does not store: "
            "give --expect sha256:HEX (or verify an image that has its acquisition record)"
        )
    return Artefact(digests=digests, name=str(report["image"]).rsplit("/", 1)[-1], size=report["media_size"])


@contextmanager
def custody_for_verification(
    ledger: str | None,
    key_file: str | None,
    authorities: tuple[str, ...],
    ledger_key: str | None,
    zone: str | None,
    location: str | None,
    seal: str | None,
) -> Iterator[VerificationCustody | None]:
    """Open the ledger and keys for `verify --ledger` (None without --ledger)."""
    with examiner_ledger(ledger, key_file, authorities, ledger_key, zone, event="verified") as opened:
        if opened is None:
            yield None
            return
        book, pair, label = opened
        book.writable()
        ids = tuple(book.resolve_authority(ref).id for ref in split_values(authorities))
        yield VerificationCustody(book, pair, ids, label, location, seal, datetime.now(UTC))
