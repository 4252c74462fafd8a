"""Every kind of tampering with a real SQLite ledger file is reported by verification.

The attacker here has the file but not the keys: they change, delete, reorder or insert rows, rewrite checkpoints
or cut the tree short, and fix up whatever derived values (hashes, sizes, heads) they can recompute without a key.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custody.ledger.ledger import Ledger
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair
from evidence.common.report import VerificationError
from tests.custody.support.verdicts import outcome


@pytest.fixture
def path(scenario: Ledger) -> Path:
    scenario.close()
    return scenario.store.path


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path)
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def findings(path: Path, keys: dict[str, KeyPair], since: str | None = None) -> list[str]:
    report = outcome(lambda: verify_ledger(str(path), trust=keys["ledger"].info.vkey, since=since))
    return list(report.findings)


def assert_found(found: list[str], *fragments: str) -> None:
    assert found, "tampering went unnoticed"
    for fragment in fragments:
        assert any(fragment in f for f in found), (fragment, found)


def test_untouched_ledger_has_no_finding(path: Path, keys: dict[str, KeyPair]) -> None:
    assert findings(path, keys) == []


def test_changed_leaf(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        (leaf,) = db.execute("SELECT leaf FROM entries WHERE seq = 4").fetchone()
        db.execute("UPDATE entries SET leaf = ? WHERE seq = 4", (leaf.replace(b"SC-17", b"SC-18"),))
    assert_found(findings(path, keys), "entry 4: stored leaf hash does not match", "signature by", "checkpoint 5")


def test_changed_leaf_with_its_hash_recomputed(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        (leaf,) = db.execute("SELECT leaf FROM entries WHERE seq = 8").fetchone()
        forged = leaf.replace(b'"action":"analysed"', b'"action":"verified"')
        db.execute("UPDATE entries SET leaf = ?, leaf_hash = ? WHERE seq = 8", (forged, leaf_hash(forged)))
    assert_found(findings(path, keys), "entry 8 (event", "does not verify", "checkpoint 9: root")


def test_deleted_row(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        db.execute("DELETE FROM entries WHERE seq = 5")
    assert_found(findings(path, keys), "entries 5..5 are missing", "names previous events", "checkpoint")


def test_reordered_rows(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        rows = {s: r for s, *r in db.execute("SELECT seq, kind, entry_id, leaf, leaf_hash FROM entries")}
        db.execute("DELETE FROM entries WHERE seq IN (4, 5)")
        db.execute("INSERT INTO entries VALUES (4, ?, ?, ?, ?)", rows[5])
        db.execute("INSERT INTO entries VALUES (5, ?, ?, ?, ?)", rows[4])
    assert_found(findings(path, keys), "names previous events", "checkpoint 5: root")


def test_inserted_row_at_the_end(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        kind, entry_id, leaf = db.execute("SELECT kind, entry_id, leaf FROM entries WHERE seq = 5").fetchone()
        db.execute("INSERT INTO entries VALUES (9, ?, ?, ?, ?)", (kind, entry_id + "x", leaf, leaf_hash(leaf)))
    assert_found(findings(path, keys), "not covered by any signed checkpoint", "stored kind/id")


def test_inserted_row_in_the_middle(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        rows = list(db.execute("SELECT seq, kind, entry_id, leaf, leaf_hash FROM entries WHERE seq >= 5"))
        db.execute("DELETE FROM entries WHERE seq >= 5")
        for seq, kind, entry_id, leaf, digest in rows:
            db.execute("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", (seq + 1, kind, entry_id, leaf, digest))
        kind, entry_id, leaf, digest = rows[0][1:]
        db.execute("INSERT INTO entries VALUES (5, ?, ?, ?, ?)", (kind, entry_id + "-copy", leaf, digest))
    assert_found(findings(path, keys), "checkpoint 8: root", "not covered by any signed checkpoint", "recorded twice")


def test_changed_checkpoint(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        (note,) = db.execute("SELECT note FROM checkpoints WHERE size = 9").fetchone()
        lines = note.split("\n")
        lines[2] = "A" * 43 + "="
        db.execute("UPDATE checkpoints SET note = ? WHERE size = 9", ("\n".join(lines),))
    assert_found(findings(path, keys), "checkpoint 9:", "invalid signature")


def test_checkpoint_moved_to_another_size(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        (note,) = db.execute("SELECT note FROM checkpoints WHERE size = 8").fetchone()
        db.execute("UPDATE checkpoints SET note = ? WHERE size = 9", (note,))
    assert_found(findings(path, keys), "checkpoint 9: says origin")


def test_checkpoint_signed_by_another_key(path: Path, keys: dict[str, KeyPair]) -> None:
    found = findings(path, {"ledger": keys["amina"]})
    assert_found(found, "not the trusted key", "not signed by any trusted key")


def test_truncated_tree_leaving_checkpoints(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        db.execute("DELETE FROM entries WHERE seq >= 7")
    assert_found(findings(path, keys), "checkpoint of size 9 but the ledger has 7 entries")


def test_cut_back_tree_with_everything_fixed_up_is_caught_since_a_checkpoint(
    path: Path, keys: dict[str, KeyPair]
) -> None:
    with Ledger.open(path) as ledger:
        witness = ledger.latest_checkpoint()
    with raw(path) as db:
        db.execute("DELETE FROM entries WHERE seq >= 6")
        db.execute("DELETE FROM checkpoints WHERE size > 6")
        db.execute("UPDATE meta SET value = 6 WHERE name = 'size'")
        hashes = [h for (h,) in db.execute("SELECT leaf_hash FROM entries ORDER BY seq")]
        from custody.tlog.frontier import Frontier

        frontier = Frontier()
        for h in hashes:
            frontier.append(h)
        db.execute("UPDATE meta SET value = ? WHERE name = 'frontier'", (frontier.to_bytes(),))
        db.execute("DELETE FROM heads")
        (last,) = db.execute("SELECT entry_id FROM entries WHERE kind = 'event' ORDER BY seq DESC").fetchone()
        (leaf,) = db.execute("SELECT leaf FROM entries WHERE entry_id = ?", (last,)).fetchone()
        digest = leaf.split(b'"sha256":"')[1][:64].decode()
        db.execute("INSERT INTO heads VALUES (?, ?)", ("sha256:" + digest, last))
    assert findings(path, keys) == []  # the file alone cannot show what was cut
    assert_found(findings(path, keys, since=witness), "rollback: the ledger has 6 entries", "fewer than the 9")


def test_changed_derived_values(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        db.execute("UPDATE entries SET kind = 'authority' WHERE seq = 4")
        db.execute("UPDATE heads SET event_id = 'ev-forged'")
        db.execute("UPDATE meta SET value = zeroblob(32) WHERE name = 'frontier'")
    assert_found(findings(path, keys), "stored kind/id", "stored artefact heads", "frontier")


def test_deleted_checkpoints(path: Path, keys: dict[str, KeyPair]) -> None:
    with raw(path) as db:
        db.execute("DELETE FROM checkpoints")
    assert_found(findings(path, keys), "no checkpoint stored")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small ledger built once; each hypothesis example works on a copy."""
    from custody.model.keys import generate_key
    from tests.custody.conftest import CASE, ORIGIN, draft
    from tests.custody.support.factories import domestic_order, utc

    key = generate_key(name=ORIGIN, role="ledger", organisation="DGSN", country="MA")
    amina = generate_key(name="Amina", role="examiner", organisation="DGSN", country="MA")
    target = tmp_path_factory.mktemp("template") / "ledger.db"
    with Ledger.create(target, case=CASE, origin=ORIGIN, ledger_key=key, now=utc(2026, 3, 1)) as ledger:
        ledger.add_authority(domestic_order(), amina, now=utc(2026, 3, 1))
        for hour in range(3):
            ledger.record(amina, draft("acquired", at=(2026, 3, 3, hour)), now=utc(2026, 3, 4))
    return target


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), fix_hash=st.booleans())
def test_any_byte_flip_in_any_leaf_is_detected(
    template: Path, tmp_path: Path, data: st.DataObject, fix_hash: bool
) -> None:
    target = tmp_path / f"copy-{data.draw(st.integers(0, 10**9))}.db"
    shutil.copy(template, target)
    with raw(target) as db:
        count = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        seq = data.draw(st.integers(0, count - 1))
        (leaf,) = db.execute("SELECT leaf FROM entries WHERE seq = ?", (seq,)).fetchone()
        pos = data.draw(st.integers(0, len(leaf) - 1))
        flip = data.draw(st.integers(1, 255))
        changed = leaf[:pos] + bytes([leaf[pos] ^ flip]) + leaf[pos + 1 :]
        db.execute("UPDATE entries SET leaf = ? WHERE seq = ?", (changed, seq))
        if fix_hash:
            db.execute("UPDATE entries SET leaf_hash = ? WHERE seq = ?", (leaf_hash(changed), seq))
    try:
        verify_ledger(str(target), unsafe_trust_embedded_key=True)
    except VerificationError as exc:
        assert exc.report.findings
        return
    except Exception as exc:  # noqa: BLE001 - a refusal to read the ledger at all is also a detection
        assert "ledger" in str(exc)
        return
    pytest.fail("the flipped byte went unnoticed")
