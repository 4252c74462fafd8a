"""Export a prosecutor bundle from a ledger's leaves: the entries about the chosen artefacts, the authorities and keys
they need, each with its inclusion proof against one checkpoint (the format: ``custody.bundle.format``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from custody.bundle.format import HEX_DIGITS, Bundle, BundleEntry
from custody.errors import BundleSelectionError, LedgerTamperedError, RecordError
from custody.model.changes import AuthorityChange
from custody.model.entries import SignedEntry, parse_leaf
from custody.model.records import Authority, Event
from custody.model.vocabulary import DIGEST_LENGTHS
from custody.tlog.merkle import MerkleTree, leaf_hash
from custody.tlog.notes import NoteError, parse_checkpoint, parse_note


@dataclass(frozen=True, slots=True, kw_only=True)
class Export:
    """What ``export_bundle`` made: the bundle, and the artefacts it names besides the selected ones (an event
    about several artefacts is signed as a whole, so it can only be disclosed whole: the exporter must be told)."""

    bundle: Bundle
    also_named: tuple[str, ...] = ()


def normalise_selector(text: str) -> tuple[str | None, str]:
    """Read an artefact digest as a person types it: ``sha256:<hex>``, ``blake3:<hex>`` or bare hex.

    Returns ``(algorithm or None when bare, lower-case hex)``; raises ``BundleSelectionError`` when it is no digest.
    """
    algorithm, sep, value = text.strip().partition(":")
    if not sep:
        algorithm, value = "", algorithm
    algorithm, value = algorithm.lower(), value.lower()
    lengths = {DIGEST_LENGTHS[algorithm]} if algorithm in DIGEST_LENGTHS else set(DIGEST_LENGTHS.values())
    if (algorithm and algorithm not in DIGEST_LENGTHS) or len(value) not in lengths or not HEX_DIGITS.match(value):
        raise BundleSelectionError(f"{text!r} is neither an artefact file nor a digest (algorithm:hex)")
    return (algorithm or None), value


def _matches(event: Event, selector: tuple[str | None, str]) -> list[str]:
    algorithm, value = selector
    return [
        a.key for a in event.artefacts if any(v == value and algorithm in (None, alg) for alg, v in a.digests.items())
    ]


def _checked_tree(leaves: Sequence[bytes], checkpoint: str) -> tuple[MerkleTree, int]:
    try:
        text, _ = parse_note(checkpoint)
        point = parse_checkpoint(text)
    except NoteError as exc:
        raise LedgerTamperedError(f"checkpoint is malformed: {exc}") from exc
    if point.size < 1 or point.size > len(leaves):
        raise LedgerTamperedError(f"checkpoint names {point.size} entries, the ledger holds {len(leaves)}")
    tree = MerkleTree(leaf_hash(leaf) for leaf in leaves[: point.size])
    if tree.root() != point.root:
        raise LedgerTamperedError("the ledger's entries do not hash to the root its checkpoint signs")
    return tree, point.size


def _entries(leaves: Sequence[bytes]) -> list[SignedEntry]:
    parsed = []
    for index, leaf in enumerate(leaves):
        try:
            parsed.append(parse_leaf(leaf)[0])
        except RecordError as exc:
            raise LedgerTamperedError(f"ledger entry {index}: {exc}") from exc
    if not parsed or parsed[0].kind != "ledger":
        raise LedgerTamperedError("ledger entry 0 is not the ledger header")
    return parsed


def _chosen(entries: Sequence[SignedEntry], selectors: Sequence[tuple[str | None, str]]) -> set[str]:
    """The artefact keys (``sha256:<hex>``) the selectors name; every artefact when there is no selector."""
    events = [e.body for e in entries if isinstance(e.body, Event)]
    if not selectors:
        return {a.key for event in events for a in event.artefacts}
    chosen: set[str] = set()
    for selector in selectors:
        found = {key for event in events for key in _matches(event, selector)}
        if not found:
            shown = f"{selector[0]}:{selector[1]}" if selector[0] else selector[1]
            raise BundleSelectionError(f"no event of the ledger concerns artefact {shown}")
        chosen |= found
    return _with_sources(events, chosen)


def _with_sources(events: Sequence[Event], chosen: set[str]) -> set[str]:
    """``chosen`` and the artefacts its derived items came from, and theirs (``Event.derived_from``): a derived
    item's provenance is part of its history, and the rules require the source's events before the derived one."""
    pending = set(chosen)
    while pending:
        found = {
            source
            for event in events
            if pending & {a.key for a in event.artefacts}
            for source in event.derived_from
            if source not in chosen
        }
        chosen |= found
        pending = found
    return chosen


def _needed(entries: Sequence[SignedEntry], chosen: set[str]) -> tuple[list[int], set[str]]:
    """Indexes of the entries a verifier needs for the chosen artefacts, and the other artefacts those events name:
    the events, the authorities they cite (and those these extend), every change recorded to those authorities, and
    the key entries of all their signers."""
    authorities = {e.entry_id: i for i, e in enumerate(entries) if e.kind == "authority"}
    changes: dict[str, list[int]] = {}
    for i, e in enumerate(entries):
        if isinstance(e.body, AuthorityChange):
            changes.setdefault(e.body.authority, []).append(i)
    keys = {e.entry_id: i for i, e in enumerate(entries) if e.kind == "key"}
    wanted, also, signers = {0}, set(), set()
    cited: list[str] = []
    for index, entry in enumerate(entries):
        body = entry.body
        if isinstance(body, Event) and chosen & {a.key for a in body.artefacts}:
            wanted.add(index)
            also |= {a.key for a in body.artefacts} - chosen
            cited.extend(body.authorities)
            signers |= {s.key for s in entry.signatures}
    while cited:
        ident = cited.pop()
        if ident in authorities and authorities[ident] not in wanted:
            wanted.add(authorities[ident])
            authority = entries[authorities[ident]]
            signers |= {s.key for s in authority.signatures}
            if isinstance(authority.body, Authority) and authority.body.extends:
                cited.append(authority.body.extends)
            for index in changes.get(ident, []):
                wanted.add(index)
                signers |= {s.key for s in entries[index].signatures}
    wanted |= {keys[f] for f in signers if f in keys}
    return sorted(wanted), also


def export_bundle(
    leaves: Sequence[bytes], checkpoint: str, *, artefacts: Iterable[str] = (), timestamps: Sequence[bytes] = ()
) -> Export:
    """Build the bundle for ``artefacts`` (digests as a person types them; every artefact when empty).

    ``leaves`` are the ledger's leaf bytes in order (at least as many as the checkpoint names) and ``checkpoint``
    its latest signed checkpoint. The leaves are checked against the checkpoint root first: a bundle is never made
    from a ledger that contradicts what it signed. ``timestamps`` are RFC 3161 replies over ``checkpoint``.
    """
    selectors = [normalise_selector(a) for a in artefacts]
    tree, size = _checked_tree(leaves, checkpoint)
    entries = _entries(leaves[:size])
    chosen = _chosen(entries, selectors)
    if not chosen:
        raise BundleSelectionError("the ledger holds no event yet: there is nothing to export")
    indexes, also = _needed(entries, chosen)
    bundle = Bundle(
        checkpoint=checkpoint,
        selection=tuple(sorted(chosen)),
        entries=tuple(
            BundleEntry(index=i, leaf=leaves[i], proof=tuple(tree.inclusion_proof(i, size))) for i in indexes
        ),
        timestamps=tuple(timestamps),
    )
    return Export(bundle=bundle, also_named=tuple(sorted(also)))
