"""Appending to a real ledger file: what is stored, what is refused, and proofs a court can check."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from custody.errors import AuthorityError, CustodyError
from custody.ledger.ledger import Ledger
from custody.ledger.store import LedgerFileError
from custody.ledger.verify import verify_ledger
from custody.model.entries import KeyEntry, LedgerHeader, parse_leaf
from custody.model.keys import KeyPair
from custody.model.records import Event, Scope
from custody.tlog.merkle import leaf_hash, verify_inclusion
from custody.tlog.notes import open_checkpoint
from tests.custody.conftest import CASE, ORIGIN, draft
from tests.custody.support.factories import artefact, domestic_order, mla_request, preservation_request, utc


def test_scenario_is_stored_in_order_and_verifies(scenario: Ledger, keys: dict[str, KeyPair]) -> None:
    kinds = [e.kind for e in scenario.entries()]
    assert kinds == ["ledger", "key", "authority", "authority", "event", "event", "key", "event", "event"]
    header = scenario.entries()[0].body
    assert isinstance(header, LedgerHeader) and (header.origin, header.case) == (ORIGIN, CASE)
    report = verify_ledger(str(scenario.store.path), trust=keys["ledger"].info.vkey)
    assert report.ok, report.findings
    assert (report.entries, report.events) == (9, 4)


def test_events_link_to_the_previous_event_of_their_artefact(scenario: Ledger) -> None:
    events = [e.body for e in scenario.entries() if isinstance(e.body, Event)]
    assert events[0].prev == ()
    assert [e.prev for e in events[1:]] == [(events[i].id,) for i in range(3)]


def test_transfer_carries_both_signatures_in_order(scenario: Ledger, keys: dict[str, KeyPair]) -> None:
    transfer = next(e for e in scenario.entries() if e.kind == "event" and e.body.action == "transferred")  # type: ignore[union-attr]
    assert [s.key for s in transfer.signatures] == [keys["amina"].info.fingerprint, keys["pierre"].info.fingerprint]


def test_keys_are_registered_once_with_their_identity(scenario: Ledger, keys: dict[str, KeyPair]) -> None:
    registered = [e.body for e in scenario.entries() if isinstance(e.body, KeyEntry)]
    assert [k.handler for k in registered] == [keys["amina"].info.handler, keys["pierre"].info.handler]


def test_inclusion_proof_checks_against_the_signed_checkpoint(scenario: Ledger, keys: dict[str, KeyPair]) -> None:
    event_id = scenario.entries()[5].entry_id
    proof = scenario.prove(event_id)
    checkpoint = open_checkpoint(proof.checkpoint, keys["ledger"].info.vkey)
    assert (checkpoint.origin, checkpoint.size, proof.index) == (ORIGIN, 9, 5)
    verify_inclusion(leaf_hash(proof.leaf), proof.index, proof.size, list(proof.proof), checkpoint.root)
    assert parse_leaf(proof.leaf)[0].entry_id == event_id


def test_checkpoint_after_every_append_names_the_new_size(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    appended = ledger.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    assert (appended.index, appended.size) == (2, 3)  # header, amina's key, the authority
    assert open_checkpoint(appended.checkpoint, ledger.vkey).size == 3
    assert ledger.latest_checkpoint() == appended.checkpoint


@pytest.mark.parametrize(
    ("make_draft", "message"),
    [
        (lambda: draft("acquired", authorities=()), "needs a legal authority and none is given"),
        (lambda: draft("acquired", at=(2026, 6, 3)), "not valid at"),
        (lambda: draft("acquired", at=(2026, 2, 27)), "not valid at"),
        (lambda: draft("analysed", categories=("traffic",)), "scope does not include traffic"),
        (lambda: draft("acquired", authorities=("au-nowhere",)), "unknown authority au-nowhere"),
        (
            lambda: draft("analysed", authorities=("au-fr-29",)),
            r"Art\. 29 \(expedited preservation\) does not permit analysed",
        ),
    ],
)
def test_actions_without_a_covering_authority_are_refused(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair], make_draft: Callable[[], object], message: str
) -> None:
    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    ledger.add_authority(preservation_request(), keys["amina"], now=utc(2026, 3, 2, 12))
    size = ledger.store.get_meta("size")
    with pytest.raises(AuthorityError, match=message):
        ledger.record(keys["amina"], make_draft(), now=utc(2026, 6, 30))  # type: ignore[arg-type]
    assert ledger.store.get_meta("size") == size


def test_actions_that_need_no_authority_are_recorded(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    appended = ledger.record(
        keys["youssef"], draft("stored", authorities=(), location="Scellés, Rabat"), now=utc(2026, 3, 4)
    )
    assert isinstance(appended.entry.body, Event) and appended.entry.body.action == "stored"


def test_evidence_cannot_go_abroad_under_a_domestic_order(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    with pytest.raises(AuthorityError, match="does not permit handing the evidence to another State"):
        ledger.record(
            keys["amina"], draft("transferred", at=(2026, 4, 1)), counter_key=keys["pierre"], now=utc(2026, 4, 1, 1)
        )
    ledger.record(
        keys["amina"], draft("transferred", at=(2026, 4, 1)), counter_key=keys["youssef"], now=utc(2026, 4, 1, 1)
    )


def test_authorities_that_break_their_rules_are_refused(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    with pytest.raises(AuthorityError, match="at least 60 days"):
        ledger.add_authority(preservation_request(valid_until=utc(2026, 4, 1)), keys["amina"])
    with pytest.raises(AuthorityError, match=r"requires the identifiers covered"):
        ledger.add_authority(mla_request(scope=Scope(categories=("content",))), keys["amina"])
    ledger.add_authority(domestic_order(), keys["amina"])
    with pytest.raises(CustodyError, match="already in the ledger"):
        ledger.add_authority(domestic_order(), keys["amina"])


def test_a_key_keeps_the_identity_it_was_registered_with(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"])
    impostor = KeyPair(
        info=type(keys["amina"].info)(
            name="Someone Else",
            role="examiner",
            organisation="DGSN",
            country="MA",
            public_key=keys["amina"].info.public_key,
        ),
        private_key=keys["amina"].private_key,
    )
    with pytest.raises(CustodyError, match="registered as 'Amina El Idrissi'"):
        ledger.record(impostor, draft("acquired"), now=utc(2026, 3, 3, 12))


def test_event_time_after_record_time_is_refused(new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]) -> None:
    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"])
    with pytest.raises(CustodyError, match="before it took place"):
        ledger.record(keys["amina"], draft("acquired", at=(2026, 3, 5)), now=utc(2026, 3, 4))


def test_appending_needs_the_ledger_key(scenario: Ledger, keys: dict[str, KeyPair]) -> None:
    path = scenario.store.path
    with Ledger.open(path) as reader, pytest.raises(CustodyError, match="needs the ledger key"):
        reader.record(keys["amina"], draft("stored", authorities=()))
    with pytest.raises(CustodyError, match="not this ledger's key"):
        Ledger.open(path, ledger_key=keys["amina"])


def test_resolve_authority_by_reference(scenario: Ledger) -> None:
    assert scenario.resolve_authority("JI-PARIS-2026-77").id == "au-fr-31"
    assert scenario.resolve_authority("au-ma-order").reference == "TPI-RABAT-2026-117"
    with pytest.raises(AuthorityError, match="no authority"):
        scenario.resolve_authority("nothing")


def test_ledger_files_are_never_overwritten_and_must_be_ledgers(
    tmp_path: object, scenario: Ledger, keys: dict[str, KeyPair]
) -> None:
    with pytest.raises(LedgerFileError, match="already exists"):
        Ledger.create(scenario.store.path, case=CASE, origin=ORIGIN, ledger_key=keys["ledger"])
    other = scenario.store.path.with_name("other.db")
    other.write_bytes(b"not a database at all" * 100)
    with pytest.raises(LedgerFileError, match="not a"):
        Ledger.open(other)
    with pytest.raises(LedgerFileError, match="no such ledger"):
        Ledger.open(scenario.store.path.with_name("missing.db"))


def test_two_artefacts_in_one_event_link_to_both_histories(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"])
    disk, phone = artefact(b"disk"), artefact(b"phone")
    first = ledger.record(keys["amina"], draft("seized", item=disk), now=utc(2026, 3, 4)).entry.entry_id
    second = ledger.record(keys["amina"], draft("seized", item=phone), now=utc(2026, 3, 4)).entry.entry_id
    both = ledger.record(keys["amina"], draft("acquired", artefacts=(phone, disk)), now=utc(2026, 3, 4))
    assert both.entry.body.prev == (second, first)  # type: ignore[union-attr]
    assert verify_ledger(str(ledger.store.path), unsafe_trust_embedded_key=True).ok


def test_append_acquired_event_carries_the_record_digests(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    from custody.ledger.acquired import append_acquired_event

    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"])
    digests = {"sha256": "ab" * 32, "blake3": "cd" * 32, "md5": "ef" * 16}
    appended = append_acquired_event(
        ledger,
        keys["amina"],
        "au-ma-order",
        digests,
        occurred_at=utc(2026, 3, 3),
        size=4096,
        name="disk.E01",
        acquisition_record="sha256:" + "01" * 32,
        now=utc(2026, 3, 3, 1),
    )
    event = appended.entry.body
    assert isinstance(event, Event) and dict(event.artefacts[0].digests) == digests
    with pytest.raises(AuthorityError, match="not valid at"):
        append_acquired_event(
            ledger, keys["amina"], "au-ma-order", digests, occurred_at=utc(2027, 1, 1), now=utc(2027, 1, 1)
        )
