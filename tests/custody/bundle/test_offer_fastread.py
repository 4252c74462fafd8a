"""The fast reading of an offer file (``custody.bundle.fastread``) gives the plain reading's answer on every file.

Each test reads the same bytes with the fast paths on and off and compares: the same offer (and bundle bytes), or
the same error message. The files are a real offer and mutations of it: every kind of byte change at positions
spread over the whole file, and changes aimed at the places the fast walk reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from custody import fastpath
from custody.bundle.fastread import split_offer
from custody.bundle.handover import offer_handover
from custody.bundle.handover_file import OfferFile
from custody.bundle.verify import verify_parsed
from custody.errors import CustodyError
from custody.ledger.ledger import Ledger
from custody.model.entries import parse_leaf
from custody.model.keys import KeyPair
from custody.model.leafform import EVENT_LEAF
from evidence.common.report import VerificationError
from tests.custody.conftest import draft
from tests.custody.support.factories import domestic_order, mla_request, utc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A real offer and its sending ledger's public key."""
    from tests.custody.conftest import keys as make_keys  # a module-scoped copy of the keys fixture

    keys: dict[str, KeyPair] = make_keys.__wrapped__()  # type: ignore[attr-defined]
    path = tmp_path_factory.mktemp("offer") / "ledger.db"
    with Ledger.create(
        path, case="MA-1", origin="scelle.example/ma", ledger_key=keys["ledger"], now=utc(2026, 3, 1)
    ) as ledger:
        ledger.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
        ledger.add_authority(mla_request(), keys["amina"], now=utc(2026, 3, 21))
        ledger.record(keys["amina"], draft("acquired"), now=utc(2026, 3, 3, 12))
        for day in range(4, 9):
            ledger.record(keys["amina"], draft("accessed", at=(2026, 3, day, 9)), now=utc(2026, 3, day, 12))
        offered = draft("offered", at=(2026, 4, 1, 9), authorities=("au-fr-31",))
        made = offer_handover(ledger, keys["amina"], keys["pierre"].info, offered, now=utc(2026, 4, 1, 9, 5))
        return made.to_bytes(), keys["ledger"].info.public_key


@pytest.fixture(scope="module")
def offer(built: tuple[bytes, bytes]) -> bytes:
    return built[0]


def _read(data: bytes, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, object]:
    monkeypatch.setattr(fastpath, "ENABLED", fast)
    try:
        made = OfferFile.from_bytes(data)
    except CustodyError as exc:
        return type(exc).__name__, str(exc)
    return "ok", (made, made.bundle_bytes())


def _same(data: bytes, monkeypatch: pytest.MonkeyPatch) -> str:
    fast, plain = _read(data, True, monkeypatch), _read(data, False, monkeypatch)
    assert fast == plain
    return fast[0]


def _mutations(data: bytes) -> Iterator[bytes]:
    step = max(1, len(data) // 150)
    for pos in range(0, len(data), step):
        yield data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1 :]  # flipped bit
        yield data[:pos] + data[pos + 1 :]  # deleted byte
        yield data[:pos] + b" " + data[pos:]  # inserted whitespace
        yield data[:pos]  # truncated


def test_the_fast_walk_cuts_the_event_leaves_of_a_real_offer(offer: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    split = split_offer(offer)
    assert split is not None and len(split.entries) == 6  # the events but the offered one (its recipient)
    assert all(entry.proof for entry in split.entries.values()) and b"},{},{}," in split.skeleton
    for entry in split.entries.values():  # the match carried is the leaf's own
        assert entry.form is not None
        alone = EVENT_LEAF.fullmatch(entry.leaf.decode("utf-8"))
        assert alone is not None and entry.form.groups() == alone.groups()
    assert _same(offer, monkeypatch) == "ok"
    monkeypatch.setattr(fastpath, "ENABLED", True)
    made = OfferFile.from_bytes(offer)
    assert sum(entry.form is not None for entry in made.bundle.entries) == 6


def test_both_readings_agree_on_mutated_offers(offer: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = [_same(data, monkeypatch) for data in _mutations(offer)]
    assert "ok" in outcomes and len(set(outcomes)) > 1  # some mutations are harmless (whitespace), most are refused


Change = Callable[[str], str]
_AIMED: list[Change] = [
    lambda t: t.replace('"action":"accessed"', '"action":"accessed","action":"accessed"', 1),  # duplicate member
    lambda t: t.replace('"action":"accessed"', '"action":"acc\\u0065ssed"', 1),  # escape in an event leaf
    lambda t: t.replace('"index":1,', '"index":01,', 1),
    lambda t: t.replace('"index":1,', '"index":1.0,', 1),
    lambda t: t.replace('"proof":["', '"proof":[ "', 1),
    lambda t: t.replace('"proof":[', '"proof":[1,', 1),
    lambda t: t.replace('"proof":["', '"proof":["",', 6),  # an empty hash in the proofs of cut entries
    lambda t: t.replace('"proof":["', '"proof":["AAAA","', 6),  # a hash too short
    lambda t: t.replace('"proof":["', '"proof":["A"', 6),  # a string not closed where the form expects
    lambda t: t.replace('"proof":["', '"proof":["A"B,"', 6),  # a base64 character between a string and a comma
    lambda t: t.replace('"proof":["', '"proof":["]","', 6),  # a bracket in a string of a proof
    lambda t: t.replace('"proof":["', '"proof":["A', 6),  # a hash one character too long
    lambda t: t.replace('"proof":["', '"proof":["A","B', 6),  # a string of one character, then one of 45
    lambda t: t.replace('],"format":"scelle-custody-bundle"', '] ,"format":"scelle-custody-bundle"', 1),
    lambda t: t.replace(',"format":"scelle-custody-offer"', ', "format":"scelle-custody-offer"', 1),
    lambda t: t.replace('"version":1}', '"version":1,"extra":1}', 1),
    lambda t: t.replace('"kind":"event"', '"kind":"event","x":1', 1),
    lambda t: t.replace('"facts":', '"extra":{"proof":[1],"y":1},"facts":', 1),  # a proof mark inside a leaf
    lambda t: t.replace('"facts":', '"x":[' + '{"a":1,"proof":[]},' * 9 + '{}],"facts":', 1),  # more marks than tried
    lambda t: t.replace('{"bundle":', '{"bundle" :', 1),
    lambda t: t + "\n\n",
    lambda t: t.rstrip("\n"),
    lambda t: json.dumps(json.loads(t), indent=1, sort_keys=True, ensure_ascii=False),  # indented: plain way only
    lambda t: json.dumps(json.loads(t), sort_keys=True),  # \\u escapes for non-ASCII
]


@pytest.mark.parametrize("change", _AIMED)
def test_both_readings_agree_on_aimed_changes(offer: bytes, change: Change, monkeypatch: pytest.MonkeyPatch) -> None:
    changed = change(offer.decode("utf-8")).encode("utf-8")
    assert changed != offer or change is _AIMED[-3]
    _same(changed, monkeypatch)


def _verdict(data: bytes, trusted: bytes, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    """The verification of an offer's bundle as read with the fast paths on or off (read and verified alike)."""
    monkeypatch.setattr(fastpath, "ENABLED", fast)
    made = OfferFile.from_bytes(data)
    carried = sum(entry.form is not None for entry in made.bundle.entries)
    try:
        report = verify_parsed(made.bundle, trusted, name="offer")
    except VerificationError as exc:
        report = exc.report
    return report.ok, report.findings, carried


def _resigned(text: str) -> str:
    """The first event leaf with one character of its signature changed (still 64 bytes in canonical base64)."""
    at = text.index('"kind":"event","signatures":[{"key":"')
    at = text.index('"sig":"', at) + len('"sig":"') + 10
    return text[:at] + ("B" if text[at] != "B" else "C") + text[at + 1 :]


_IN_LEAVES: list[Change] = [
    lambda t: t,
    lambda t: t.replace('"occurred_at":"2026-03-05T', '"occurred_at":"2026-13-05T', 1),  # no such month
    lambda t: t.replace('"action":"accessed"', '"action":"accessex"', 1),  # no such action
    lambda t: t.replace('"occurred_tz":"', '"occurred_tz":"Nowhere/', 1),  # no such zone
    lambda t: t.replace('"prev":["', '"prev":["x y', 1),  # not an identifier
    lambda t: t.replace('"sig":"', '"sig":"AAAA', 1),  # a signature of 67 bytes
    lambda t: _resigned(t),  # another valid signature string: the signature and the proof fail
    lambda t: t.replace('"seal":null', '"seal":"S-2"', 2),  # signed content changed: signature and proof fail
]


@pytest.mark.parametrize("change", _IN_LEAVES)
def test_an_offer_read_fast_verifies_as_read_plain(
    built: tuple[bytes, bytes], change: Change, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast reading hands the verifier the leaves' matches, and the verifier reads each leaf once: the report
    is the plain one, finding for finding, for an offer that verifies and for leaves that do not read or verify."""
    offer, trusted = built
    changed = change(offer.decode("utf-8")).encode("utf-8")
    fast, plain = _verdict(changed, trusted, True, monkeypatch), _verdict(changed, trusted, False, monkeypatch)
    assert fast[:2] == plain[:2]
    assert fast[2] >= 5 and plain[2] == 0  # the fast reading carried the event leaves' matches; the plain none
    codes = {finding.code for finding in fast[1] if not finding.ok}  # type: ignore[attr-defined]
    assert bool(codes) == (change is not _IN_LEAVES[0]) and fast[0] is (not codes)


def test_a_leaf_replaced_in_an_entry_does_not_keep_the_old_leafs_match(
    offer: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``dataclasses.replace`` of an entry read fast gives an entry without the match: the leaf put in is read."""
    monkeypatch.setattr(fastpath, "ENABLED", True)
    made = OfferFile.from_bytes(offer)
    first, second = [e for e in made.bundle.entries if e.form is not None][:2]
    swapped = replace(first, leaf=second.leaf)
    assert swapped.form is None and replace(first, proof=()).form is None
    assert parse_leaf(swapped.leaf, swapped.form) == parse_leaf(second.leaf)


def test_a_proof_mark_inside_a_leaf_is_passed_over_a_few_times(offer: bytes) -> None:
    """The walk finds the end of a leaf other than an event's by trying each ``,"proof":[`` that follows it, a few
    at most (``_TRIES``); past them the file is left to the plain reading."""
    text = offer.decode("utf-8")
    nested = text.replace('"facts":', '"extra":{"proof":[1],"y":1},"facts":', 1).encode("utf-8")
    split = split_offer(nested)
    assert split is not None and b'"extra":{"proof":[1],"y":1}' in split.skeleton
    many = text.replace('"facts":', '"x":[' + '{"a":1,"proof":[]},' * 9 + '{}],"facts":', 1)
    assert split_offer(many.encode("utf-8")) is None
