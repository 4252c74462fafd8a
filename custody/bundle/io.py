"""Files around a bundle: reading a ledger for export, resolving artefact arguments, writing outputs whole.

The exporter works from its own ledger file: it takes every leaf and the latest signed checkpoint in one read
snapshot, builds the bundle, and verifies it against the ledger's own key before anything is written, so a bundle
that would not verify on the other side is never handed out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from custody.bundle.export import Export, export_bundle
from custody.bundle.format import Bundle, unreadable
from custody.bundle.linked import header_key
from custody.bundle.outcome import BundleReport
from custody.bundle.verify import verify_bundle
from custody.errors import CustodyError
from custody.i18n.said import SaidError
from custody.model.entries import parse_leaf
from custody.model.records import Event
from evidence.common.files import write_atomic
from evidence.common.progress import NULL_PROGRESS, ProgressObserver


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerExport:
    """A bundle made from a ledger file, with the report of its verification against the ledger's own key."""

    export: Export
    data: bytes
    report: BundleReport


def resolve_artefacts(arguments: Iterable[str], progress: ProgressObserver = NULL_PROGRESS) -> list[str]:
    """Turn each ``PATH_OR_DIGEST`` into a digest, as ``custody record --artefact`` names artefacts.

    A digest stays as it is; an acquisition record names the media it describes; an image with its record beside
    it (``disk.E01`` + ``disk.E01.acquisition.json``) names its media too; any other file is hashed.
    """
    from custody.model.artefacts import artefact_from_ref

    return [f"sha256:{artefact_from_ref(arg, progress=progress).digests['sha256']}" for arg in arguments]


def read_ledger(path: str | Path) -> tuple[list[bytes], str, bytes]:
    """Every leaf of a ledger file, its latest signed checkpoint and its ledger public key, in one snapshot."""
    from custody.ledger.ledger import Ledger  # the ledger store is only needed on the exporting side
    from custody.ledger.stores import is_database

    if not is_database(path) and not Path(path).is_file():
        raise SaidError("ledger.missing", path=path)
    with Ledger.open(path, readonly=True) as ledger, ledger.store.snapshot():
        leaves = [leaf for _seq, _kind, _id, leaf, _hash in ledger.store.entries()]
        return leaves, ledger.latest_checkpoint(), ledger.header.public_key


def export_ledger(
    path: str | Path, artefacts: Iterable[str] = (), *, progress: ProgressObserver = NULL_PROGRESS
) -> LedgerExport:
    """Export the bundle for ``artefacts`` (files or digests; all when empty) from the ledger file ``path``.

    The bundle carries the RFC 3161 time-stamps the ledger kept of its checkpoint (none when the latest checkpoint
    was not time-stamped). The bundle is verified against the ledger's own key first; ``VerificationError`` (exit 3)
    if it does not verify. ``progress`` is told how the hashing of artefact files goes (a disk image is large).
    """
    from custody.ledger.timestamps import replies_over  # the ledger store is only needed on the exporting side

    leaves, checkpoint, public_key = read_ledger(path)
    stamps = replies_over(path, checkpoint)
    export = export_bundle(leaves, checkpoint, artefacts=resolve_artefacts(artefacts, progress), timestamps=stamps)
    linked = linked_bundles(path, export.bundle)
    if linked:
        export = replace(export, bundle=replace(export.bundle, linked=linked))
    data = export.bundle.to_bytes()
    # The self-check takes the linked ledgers' keys from their own headers: it shows the file is whole and
    # consistent; whose keys they are is for the verifier to establish (--trust, one per ledger).
    keys = [public_key, *(key for b in linked if (key := header_key(b)) is not None)]
    report = verify_bundle(data, keys, name=str(path))
    return LedgerExport(export=export, data=data, report=report)


def linked_bundles(path: str | Path, bundle: Bundle) -> tuple[Bundle, ...]:
    """The bundles that the ledger at ``path`` kept when it received the bundle's artefacts from other ledgers
    (``custody.bundle.handover.receive_handover``), in the order of the received events."""
    from custody.bundle.handover import LINKED_META
    from custody.ledger.ledger import Ledger

    offers = []
    for item in bundle.entries:
        body = parse_leaf(item.leaf)[0].body
        if isinstance(body, Event) and body.handover is not None and body.handover.offer not in offers:
            offers.append(body.handover.offer)
    if not offers:
        return ()
    found = []
    with Ledger.open(path, readonly=True) as ledger:
        for offer in offers:
            kept = ledger.store.get_meta(LINKED_META + offer)
            if kept is None:
                raise CustodyError(f"{path}: the history of offer {offer} received in this ledger is missing")
            found.append(Bundle.from_bytes(bytes(kept), f"{path}: history of offer {offer}"))
    return tuple(found)


def write_whole(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a synced temporary file and a rename: a reader never sees half a file.

    Mode 0600, as the temporary files these outputs were first written through had: widening it is the user's call.
    """
    try:
        write_atomic(Path(path), data, mode=0o600)
    except OSError as exc:
        raise CustodyError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def read_bundle_file(path: str | Path) -> bytes:
    """The bytes of a bundle file, or a ``CustodyError`` naming it when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise unreadable(path, exc) from exc


def check_bundle_file(path: str | Path) -> None:
    """Refuse early, as ``read_bundle_file`` would, a bundle file that cannot be opened (it is read later, in
    parts: ``custody.bundle.stream``)."""
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise unreadable(path, exc) from exc


def _head(path: str | Path) -> bytes:
    try:
        with open(path, "rb") as stream:
            return stream.read(64)
    except OSError:
        return b""


def looks_like_bundle(path: str | Path) -> bool:
    """True when ``path`` is a file that starts like JSON (a bundle)."""
    return _head(path).lstrip().startswith(b"{")


def looks_like_ledger(path: str | Path) -> bool:
    """True when ``path`` is an SQLite database file (how a ledger is stored) or names a ledger in a database."""
    from custody.ledger.stores import is_database

    return is_database(path) or _head(path).startswith(b"SQLite format 3\x00")
