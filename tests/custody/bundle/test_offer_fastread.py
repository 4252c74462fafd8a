"""The fast reading of an offer file (``custody.bundle.fastread``) gives the plain reading's answer on every file.

Each test reads the same bytes with the fast paths on and off and compares: the same offer (and bundle bytes), or
the same error message. The files are a real offer and mutations of it: every kind of byte change at positions
spread over the whole file, and changes aimed at the places the fast walk reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from custody import fastpath
from custody.bundle.fastread import split_offer
from custody.bundle.handover import offer_handover
from custody.bundle.handover_file import OfferFile
from custody.errors import CustodyError
from custody.ledger.ledger import Ledger
from custody.model.keys import KeyPair
from tests.custody.conftest import draft
from tests.custody.support.factories import domestic_order, mla_request, utc


@pytest.fixture(scope="module")
def offer(tmp_path_factory: pytest.TempPathFactory) -> bytes:
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
        return offer_handover(ledger, keys["amina"], keys["pierre"].info, offered, now=utc(2026, 4, 1, 9, 5)).to_bytes()


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
    split = split_offer(offer.decode("utf-8"))
    assert (
        split is not None and len(split.leaves) == len(split.proofs) == 6
    )  # the events but the offered one (its recipient); header, keys, authorities stay
    assert all(proof for proof in split.proofs.values()) and b'"proof":[]' in split.skeleton
    assert _same(offer, monkeypatch) == "ok"


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
    lambda t: t.replace('],"format":"scelle-custody-bundle"', '] ,"format":"scelle-custody-bundle"', 1),
    lambda t: t.replace(',"format":"scelle-custody-offer"', ', "format":"scelle-custody-offer"', 1),
    lambda t: t.replace('"version":1}', '"version":1,"extra":1}', 1),
    lambda t: t.replace('"kind":"event"', '"kind":"event","x":1', 1),
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
