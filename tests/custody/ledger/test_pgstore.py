"""Ledgers kept in a real PostgreSQL server (issue 15): the same ledger, checks and failures as in an SQLite file."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from custody.errors import LedgerTamperedError
from custody.ledger.backend import LedgerFileError
from custody.ledger.copy import copy_ledger
from custody.ledger.ledger import Ledger
from custody.ledger.report import LedgerReport
from custody.ledger.stores import StoreLocationError, is_database, open_store, parse_location
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair
from evidence.common.report import VerificationError
from tests.custody.conftest import CASE, ORIGIN, draft, play_scenario
from tests.custody.support.factories import domestic_order, utc
from tests.support.postgres import EXAMINER_PASSWORD, PgServer


def _name() -> str:
    return "case-" + uuid.uuid4().hex[:12]


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """The location of a new ledger name in the shared test database."""
    return pg_server.url(_name())


@pytest.fixture
def pg_scenario(pg_url: str, keys: dict[str, KeyPair]) -> Iterator[Ledger]:
    ledger = Ledger.create(pg_url, case=CASE, origin=ORIGIN, ledger_key=keys["ledger"], now=utc(2026, 3, 1))
    with play_scenario(ledger, keys) as played:
        yield played


def _same_outcome(report: LedgerReport) -> tuple[object, ...]:
    return (report.ok, report.origin, report.case, report.vkey, report.entries, report.events, report.checkpoints)


# Locations, no server needed


@pytest.mark.parametrize(
    "location",
    [
        "postgresql://amina:s3cret-pw@db.lab/scelle?ledger=c1",
        "postgres://db.lab/scelle?ledger=c1&password=s3cret-pw",
    ],
)
def test_a_password_in_the_location_is_refused_without_repeating_it(location: str) -> None:
    with pytest.raises(StoreLocationError) as refused:
        open_store(location)
    assert "s3cret-pw" not in str(refused.value) and "****" in str(refused.value)
    assert "PGPASSWORD" in str(refused.value)
    assert "mot de passe" in refused.value.message_in("fr") and "s3cret-pw" not in refused.value.message_in("fr")


@pytest.mark.parametrize(
    "location", ["postgresql://db.lab/scelle", "postgresql:///scelle?ledger=", "postgresql:///s?ledger=a/b"]
)
def test_a_location_must_name_one_ledger(location: str) -> None:
    with pytest.raises(StoreLocationError, match=r"\?ledger=NAME"):
        open_store(location)


def test_a_location_is_split_into_libpq_connection_string_and_ledger_name() -> None:
    place = parse_location("postgresql://amina@db.lab:5433/scelle?sslmode=verify-full&ledger=MA-2026-0042")
    assert (place.conninfo, place.ledger) == (
        "postgresql://amina@db.lab:5433/scelle?sslmode=verify-full",
        "MA-2026-0042",
    )
    assert is_database("postgres://x/y?ledger=z") and not is_database("postgresql.db") and not is_database("l.db")


# A real server


def test_the_scenario_in_postgresql_verifies_as_in_a_file(
    pg_scenario: Ledger, scenario: Ledger, keys: dict[str, KeyPair], pg_url: str
) -> None:
    trust = keys["ledger"].info.vkey
    in_pg = verify_ledger(str(pg_scenario.store.path), trust=trust)
    in_file = verify_ledger(str(scenario.store.path), trust=trust)
    assert in_pg.ok, in_pg.findings
    assert _same_outcome(in_pg) == _same_outcome(in_file)
    assert [e.kind for e in pg_scenario.entries()] == [e.kind for e in scenario.entries()]
    event = next(e for e in pg_scenario.entries() if e.kind == "event")
    proof = pg_scenario.prove(event.entry_id)
    assert proof.size == 9 and proof.checkpoint == pg_scenario.latest_checkpoint()


def test_ledgers_in_one_database_are_separate_and_never_overwritten(
    pg_server: PgServer, keys: dict[str, KeyPair]
) -> None:
    first, second = pg_server.url(_name()), pg_server.url(_name())
    with Ledger.create(first, case="C-1", origin="lab/C-1", ledger_key=keys["ledger"]) as one:
        one.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    with Ledger.create(second, case="C-2", origin="lab/C-2", ledger_key=keys["ledger"]):
        pass
    with Ledger.open(first) as one, Ledger.open(second) as two:
        assert (len(one.entries()), len(two.entries())) == (3, 1)
        assert (one.header.case, two.header.case) == ("C-1", "C-2")
    with pytest.raises(LedgerFileError, match="already exists"):
        Ledger.create(first, case="C-1", origin="lab/C-1", ledger_key=keys["ledger"])
    with pytest.raises(LedgerFileError, match="no such ledger"):
        Ledger.open(pg_server.url(_name()))
    with pytest.raises(LedgerFileError, match="holds no scelle ledger"):
        Ledger.open(pg_server.url(_name(), database="empty"))


def test_the_password_comes_from_libpq_places(
    pg_server: PgServer, keys: dict[str, KeyPair], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    location = pg_server.url(_name(), user="examiner")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(StoreLocationError, match="cannot connect to the PostgreSQL server"):
        Ledger.create(location, case=CASE, origin=ORIGIN, ledger_key=keys["ledger"])
    monkeypatch.setenv("PGPASSWORD", EXAMINER_PASSWORD)
    Ledger.create(location, case=CASE, origin=ORIGIN, ledger_key=keys["ledger"]).close()
    monkeypatch.delenv("PGPASSWORD")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"*:*:*:examiner:{EXAMINER_PASSWORD}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    with Ledger.open(location) as opened:
        assert opened.header.case == CASE


def _sql(pg_server: PgServer, statement: str, *args: object) -> None:
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
        conn.execute(statement, args)  # type: ignore[arg-type]


def test_stored_values_are_validated_as_in_a_file(
    pg_scenario: Ledger, pg_server: PgServer, keys: dict[str, KeyPair]
) -> None:
    ledger = parse_location(str(pg_scenario.store.path)).ledger
    _sql(pg_server, "UPDATE scelle_meta SET number = NULL, text = '9' WHERE ledger = %s AND name = 'size'", ledger)
    with Ledger.open(str(pg_scenario.store.path), ledger_key=keys["ledger"]) as writer:
        with pytest.raises(LedgerTamperedError, match=r"tree size \(meta.size\) is not an integer: '9'"):
            writer.record(keys["amina"], draft("stored", at=(2026, 4, 3, 9)), now=utc(2026, 4, 3, 10))
    _sql(pg_server, "UPDATE scelle_meta SET number = 9, text = '9' WHERE ledger = %s AND name = 'size'", ledger)
    store = open_store(str(pg_scenario.store.path))
    try:
        with pytest.raises(LedgerTamperedError, match="not an integer"):
            store.tree_state()
    finally:
        store.close()


def test_a_rewritten_leaf_is_a_finding(pg_scenario: Ledger, pg_server: PgServer, keys: dict[str, KeyPair]) -> None:
    ledger = parse_location(str(pg_scenario.store.path)).ledger
    _sql(
        pg_server,
        "UPDATE scelle_entries SET leaf = convert_to(replace(convert_from(leaf, 'UTF8'), 'SC-17', 'SC-18'), 'UTF8') "
        "WHERE ledger = %s AND seq = 4",
        ledger,
    )
    with pytest.raises(VerificationError) as failed:
        verify_ledger(str(pg_scenario.store.path), trust=keys["ledger"].info.vkey)
    assert any("leaf hash" in finding or "signature" in finding for finding in failed.value.report.findings)


def test_a_reader_cannot_write(pg_scenario: Ledger) -> None:
    store = open_store(str(pg_scenario.store.path), readonly=True)
    try:
        with pytest.raises(LedgerFileError, match="read-only"), store.transaction():
            store.set_meta("size", 0)
    finally:
        store.close()


def test_a_copy_round_trips_between_sqlite_and_postgresql(
    scenario: Ledger, pg_server: PgServer, keys: dict[str, KeyPair], tmp_path: Path
) -> None:
    source = str(scenario.store.path)
    scenario.store.close()
    in_pg, back = pg_server.url(_name()), tmp_path / "back.db"
    there = copy_ledger(source, in_pg)
    again = copy_ledger(in_pg, back)
    assert (there.entries, there.checkpoints, there.size) == (9, 7, 9) and there == again
    trust = keys["ledger"].info.vkey
    reports = [verify_ledger(str(where), trust=trust) for where in (source, in_pg, back)]
    assert len({_same_outcome(r) for r in reports}) == 1 and reports[0].ok
    stores = [open_store(where, readonly=True) for where in (source, in_pg, back)]
    try:
        assert all(list(s.checkpoints()) == list(stores[0].checkpoints()) for s in stores)
        assert all(list(s.entries()) == list(stores[0].entries()) for s in stores)
        assert all(s.heads() == stores[0].heads() and s.meta_items() == stores[0].meta_items() for s in stores)
    finally:
        for store in stores:
            store.close()
    with pytest.raises(LedgerFileError, match="already exists"):
        copy_ledger(source, in_pg)
    with pytest.raises(LedgerFileError, match="already exists"):
        copy_ledger(in_pg, back)


def test_appending_is_refused_when_the_server_does_not_sync(pg_scenario: Ledger, pg_server: PgServer) -> None:
    location = str(pg_scenario.store.path)
    pg_scenario.close()
    _reload(pg_server, "ALTER SYSTEM SET fsync = off", "off")
    try:
        with pytest.raises(StoreLocationError, match="fsync off"):
            open_store(location)
        open_store(location, readonly=True).close()  # reading needs no durability
    finally:
        _reload(pg_server, "ALTER SYSTEM RESET fsync", "on")
    open_store(location).close()


def _reload(pg_server: PgServer, statement: str, fsync: str) -> None:
    """Change the server's configuration and wait until new sessions see it (a reload is asynchronous)."""
    _sql(pg_server, statement)
    _sql(pg_server, "SELECT pg_reload_conf()")
    deadline = time.monotonic() + 10
    while True:
        with psycopg.connect(pg_server.conninfo()) as conn:
            if conn.execute("SHOW fsync").fetchone() == (fsync,):
                return
        assert time.monotonic() < deadline, f"the server never reloaded with fsync {fsync}"
        time.sleep(0.05)
