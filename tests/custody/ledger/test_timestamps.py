"""RFC 3161 time-stamps of a ledger's checkpoints, against a real local TSA (`openssl ts` over HTTP on 127.0.0.1)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from custody.ledger.ledger import Ledger
from custody.ledger.rfc3161 import TimestampError, checkpoint_imprint, verify_reply
from custody.ledger.store import Store
from custody.ledger.timestamps import read_tsa_certs, timestamp_ledger, timestamp_request
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair
from custody.tlog.notes import add_signature
from evidence.common.report import VerificationError
from tests.custody.conftest import draft
from tests.custody.support.factories import utc
from tests.custody.support.tsa import LocalTsa, tsas_fixture  # noqa: F401 - the `tsas` fixture


@pytest.fixture
def stamped(scenario: Ledger, tsas: dict[str, LocalTsa]) -> Ledger:
    """The scenario ledger with one time-stamp from the trusted TSA over its latest checkpoint."""
    with tsas["trusted"].serve() as url:
        timestamp_ledger(scenario.store.path, tsa_url=url)
    return scenario


def _kept(ledger: Ledger) -> list[tuple[int, bytes]]:
    store = Store.open(ledger.store.path, readonly=True)
    try:
        return store.timestamps()
    finally:
        store.close()


def test_a_token_from_the_local_tsa_verifies_and_gives_the_tsa_time(
    scenario: Ledger, keys: dict[str, KeyPair], tsas: dict[str, LocalTsa]
) -> None:
    size = scenario.store.latest_checkpoint()[0]  # type: ignore[index]
    before = datetime.now(UTC).replace(microsecond=0)
    with tsas["trusted"].serve() as url:
        stored = timestamp_ledger(scenario.store.path, tsa_url=url)
    after = datetime.now(UTC)
    assert stored.size == size and "Trusted TSA" in stored.info.tsa
    report = verify_ledger(scenario.store.path, trust=keys["ledger"].info, tsa=read_tsa_certs([tsas["trusted"].ca]))
    (check,) = report.timestamps
    assert (check.status, check.size) == ("verified", size)
    assert check.time is not None and before - timedelta(seconds=1) <= check.time <= after + timedelta(seconds=1)
    assert check.tsa == "CN=Trusted TSA"
    assert "verified against --tsa-cert" in check.text() and check.text("fr").startswith(f"point de contrôle {size} :")


def test_openssl_verifies_the_kept_token_over_the_checkpoint_note(stamped: Ledger, tsas: dict[str, LocalTsa]) -> None:
    # What is hashed, checked by another implementation: the note `custody checkpoint` prints, byte for byte.
    work = Path(stamped.store.path).parent
    (work / "note.txt").write_bytes(stamped.latest_checkpoint().encode("utf-8"))
    (work / "reply.tsr").write_bytes(_kept(stamped)[0][1])
    done = tsas["trusted"].verify_with_openssl(work / "note.txt", work / "reply.tsr")
    assert done.returncode == 0 and b"Verification: OK" in done.stdout, done.stdout + done.stderr
    (work / "other.txt").write_bytes(stamped.latest_checkpoint().encode("utf-8") + b"\n")
    assert tsas["trusted"].verify_with_openssl(work / "other.txt", work / "reply.tsr").returncode != 0


def test_a_cosignature_added_later_does_not_change_what_the_token_covers(
    stamped: Ledger, keys: dict[str, KeyPair]
) -> None:
    note = stamped.latest_checkpoint()
    witness = keys["pierre"]
    cosigned = add_signature(note, "witness.example", witness.private_key)
    name = stamped.header.key_name
    assert cosigned != note and checkpoint_imprint(cosigned, name) == checkpoint_imprint(note, name)


def test_without_tsa_cert_the_tokens_are_counted_never_verified(stamped: Ledger, keys: dict[str, KeyPair]) -> None:
    report = verify_ledger(stamped.store.path, trust=keys["ledger"].info)
    (check,) = report.timestamps
    assert check.status == "not checked" and check.time is None and check.tsa is None
    assert "NOT checked" in check.text() and "verified" not in check.text()


def test_a_token_over_another_ledgers_checkpoint_fails(
    scenario: Ledger, keys: dict[str, KeyPair], tsas: dict[str, LocalTsa]
) -> None:
    other = Ledger.create(
        Path(scenario.store.path).parent / "other.db",
        case="FR-2026-7",
        origin="scelle.example/FR-2026-7",
        ledger_key=keys["pierre"],
        now=utc(2026, 4, 1),
    )
    with tsas["trusted"].serve() as url:
        timestamp_ledger(other.store.path, tsa_url=url)
    moved = _kept(other)[0][1]
    with pytest.raises(TimestampError, match="none of this ledger's checkpoints"):
        timestamp_ledger(scenario.store.path, reply=moved)
    assert _kept(scenario) == []
    # Written into the table by hand (a copied token): verification names it.
    store = Store.open(scenario.store.path)
    with store.transaction():
        store.add_timestamp(scenario.store.latest_checkpoint()[0], moved)  # type: ignore[index]
    store.close()
    with pytest.raises(VerificationError) as caught:
        verify_ledger(scenario.store.path, trust=keys["ledger"].info, tsa=read_tsa_certs([tsas["trusted"].ca]))
    assert "not this checkpoint" in str(caught.value)
    assert [c.status for c in caught.value.report.timestamps] == ["failed"]  # type: ignore[attr-defined]


def test_a_token_from_an_untrusted_tsa_fails(
    scenario: Ledger, keys: dict[str, KeyPair], tsas: dict[str, LocalTsa]
) -> None:
    with tsas["rogue"].serve() as url:
        timestamp_ledger(scenario.store.path, tsa_url=url)
    with pytest.raises(VerificationError) as caught:
        verify_ledger(scenario.store.path, trust=keys["ledger"].info, tsa=read_tsa_certs([tsas["trusted"].ca]))
    message = str(caught.value)
    assert "does not verify against the trusted time-stamping certificates" in message
    assert "unable to get local issuer certificate" in message and "\n" not in message
    # The same token passes with its own TSA's root: the failure was the trust, not the token.
    report = verify_ledger(scenario.store.path, trust=keys["ledger"].info, tsa=read_tsa_certs([tsas["rogue"].ca]))
    assert report.timestamps[0].status == "verified"


def test_tsa_cert_given_and_no_token_kept_is_a_failure(
    scenario: Ledger, keys: dict[str, KeyPair], tsas: dict[str, LocalTsa]
) -> None:
    with pytest.raises(VerificationError, match="holds no RFC 3161 time-stamp"):
        verify_ledger(scenario.store.path, trust=keys["ledger"].info, tsa=read_tsa_certs([tsas["trusted"].ca]))


def test_a_ledger_never_stamped_keeps_its_tables(scenario: Ledger, keys: dict[str, KeyPair]) -> None:
    assert verify_ledger(scenario.store.path, trust=keys["ledger"].info).timestamps == ()
    with sqlite3.connect(scenario.store.path) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "timestamps" not in tables


def test_a_byte_flip_of_a_reply_is_refused_or_changes_nothing_it_attests(
    stamped: Ledger, tsas: dict[str, LocalTsa]
) -> None:
    # CMS leaves a few fields unsigned (SignedData and SignerInfo versions, the signature algorithm OID, which
    # OpenSSL takes from the key): a flip there still verifies, and must say exactly what the original says.
    reply = _kept(stamped)[0][1]
    imprint = checkpoint_imprint(stamped.latest_checkpoint(), stamped.header.key_name)
    trust = read_tsa_certs([tsas["trusted"].ca])
    original = verify_reply(reply, imprint, trust)
    refused = 0
    for position in range(len(reply)):
        flipped = bytearray(reply)
        flipped[position] ^= 0x01
        try:
            info = verify_reply(bytes(flipped), imprint, trust)
        except TimestampError as exc:
            assert "\n" not in str(exc)
            refused += 1
        else:
            assert info == original, position
    assert refused > len(reply) * 0.95


def test_a_changed_stored_token_fails_verification(
    stamped: Ledger, keys: dict[str, KeyPair], tsas: dict[str, LocalTsa]
) -> None:
    reply = _kept(stamped)[0][1]
    changed = reply[:-10] + bytes(b ^ 0xFF for b in reply[-10:])  # inside the signature value
    with sqlite3.connect(stamped.store.path) as conn:
        conn.execute("UPDATE timestamps SET reply = ?", (changed,))
    with pytest.raises(VerificationError, match="time-stamp 0"):
        verify_ledger(stamped.store.path, trust=keys["ledger"].info, tsa=read_tsa_certs([tsas["trusted"].ca]))


def test_a_reply_to_a_written_request_is_kept(
    scenario: Ledger, keys: dict[str, KeyPair], tsas: dict[str, LocalTsa]
) -> None:
    size, request = timestamp_request(scenario.store.path)
    stored = timestamp_ledger(scenario.store.path, reply=tsas["trusted"].reply(request))
    assert stored.size == size
    with pytest.raises(TimestampError, match="already stored"):
        timestamp_ledger(scenario.store.path, reply=_kept(scenario)[0][1])
    # Appending later does not orphan it: it still covers a checkpoint of the ledger.
    scenario.record(
        keys["pierre"], draft("analysed", at=(2026, 4, 3, 9), authorities=("au-fr-31",)), now=utc(2026, 4, 3, 12)
    )
    report = verify_ledger(scenario.store.path, trust=keys["ledger"].info, tsa=read_tsa_certs([tsas["trusted"].ca]))
    assert [(c.status, c.size) for c in report.timestamps] == [("verified", size)]


def test_unusable_replies_and_certificates_are_one_line_errors(
    scenario: Ledger, tsas: dict[str, LocalTsa], tmp_path: Path
) -> None:
    good = tsas["trusted"].reply(timestamp_request(scenario.store.path)[1])
    for bad in (b"", b"not DER at all", good[: len(good) // 2], good + b"\x00"):
        with pytest.raises(TimestampError) as caught:
            timestamp_ledger(scenario.store.path, reply=bad)
        assert "\n" not in str(caught.value) and caught.value.exit_code == 1
    assert _kept(scenario) == []
    with pytest.raises(TimestampError, match="no self-signed root") as no_root:
        read_tsa_certs([tsas["trusted"].cert])
    assert no_root.value.exit_code == 2
    (tmp_path / "junk.pem").write_text("junk", encoding="ascii")
    with pytest.raises(TimestampError, match="no PEM certificate"):
        read_tsa_certs([tmp_path / "junk.pem"])
    with pytest.raises(TimestampError, match="http:// or https://"):
        timestamp_ledger(scenario.store.path, tsa_url="file:///etc/passwd")
    with pytest.raises(TimestampError, match="no time-stamp from the time-stamping authority"):
        with tsas["trusted"].serve() as url:
            pass
        timestamp_ledger(scenario.store.path, tsa_url=url, timeout=5)
