"""Issue 12's done-when test: two states, two ledger files in two directories, nothing shared but the offer and the
receipt (and the public keys each side obtained out of band). Seize and acquire in MA, offer, receive in FR,
complete in MA, analyse in FR, export from FR, and verify the linked bundle with both keys; then with one key
missing, and with bytes of the offer, the receipt and the bundle flipped."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

from custody.bundle.handover import check_offer, check_receipt
from custody.bundle.handover_file import OfferFile, ReceiptFile
from custody.bundle.verify import verify_bundle
from custody.ledger.ledger import Ledger
from custody.model.keys import KeyPair, load_private_key
from custody.model.records import Event
from custody.model.trust import read_trust
from custody.tlog.notes import parse_checkpoint, parse_note
from evidence.common.errors import EvidenceError
from tests.cli.custody.test_custody_cli import PASS, _fast_key, clean_error, ok, run
from tests.custody.ledger.test_witness import _cut_back

MA_ORIGIN = "scelle.example/MA-2026-0042"
FR_ORIGIN = "scelle.example/FR-JI-2026-77"


@dataclass
class Handover:
    ma: Path
    fr: Path
    offer: Path
    receipt: Path
    bundle: Path
    ma_pub: Path
    fr_pub: Path
    pierre: Path
    while_offered: Result
    ma_bundle: Path


def _authority(ledger: Path, key: Path, *args: str) -> None:
    ok("authority", "add", str(ledger), "--key", str(key), "--offence", "escroquerie", "--scope", "content", *args)


def _ma_side(ma: Path, pierre_pub: Path) -> tuple[Path, Path]:
    """Morocco: its ledger, the seizure and acquisition, the offer to the French examiner."""
    _fast_key(ma / "ledger.key", MA_ORIGIN, "ledger", "DGSN", "MA")
    _fast_key(ma / "amina.key", "Amina El Idrissi", "examiner", "DGSN Laboratoire", "MA")
    ledger = ma / "ma.ledger"
    ok("init", str(ledger), "--case", "MA-2026-0042", "--origin", MA_ORIGIN, "--key", str(ma / "ledger.key"))
    amina = str(ma / "amina.key")
    _authority(
        ledger,
        ma / "amina.key",
        *("--instrument", "domestic-order", "--issuing-state", "MA", "--issuing-authority", "TPI Rabat"),
        *("--reference", "TPI-2026-117", "--issued", "2026-03-01", "--valid-until", "2026-06-01"),
    )
    _authority(
        ledger,
        ma / "amina.key",
        *("--instrument", "budapest-31", "--issuing-state", "FR", "--issuing-authority", "JI Paris"),
        *("--reference", "JI-77", "--issued", "2026-03-20", "--valid-until", "2026-12-31"),
        *("--requested-state", "MA", "--facts", "phishing", "--identifier", "disk WD-XYZ"),
    )
    disk = ma / "disk.img"
    disk.write_bytes(b"\x00" * 4096 + b"evidence")
    for action, at in (("seized", "2026-03-03T10:00:00Z"), ("acquired", "2026-03-03T11:00:00Z")):
        ok(
            "record",
            str(ledger),
            *("--key", amina, "--action", action, "--artefact", str(disk), "--authority", "TPI-2026-117"),
            *("--at", at, "--category", "content", "--seal", "SC-17"),
        )
    offer = ma / "offer.scelle"
    ok(
        "offer",
        str(ledger),
        *("--from-key", amina, "--to", str(pierre_pub), "--artefact", str(disk), "--authority", "JI-77"),
        *("--at", "2026-04-01T09:00:00Z", "--category", "content", "--out", str(offer)),
    )
    ok("key", "show", str(ma / "ledger.key"), "--public", "--out", str(ma / "ma-ledger.pub"))
    return ledger, offer


@pytest.fixture(scope="module")
def handover(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Handover]:
    ma, fr = tmp_path_factory.mktemp("ma"), tmp_path_factory.mktemp("fr")
    _fast_key(fr / "ledger.key", FR_ORIGIN, "ledger", "OFAC", "FR")
    _fast_key(fr / "pierre.key", "Pierre Martin", "examiner", "OFAC", "FR")
    ok("key", "show", str(fr / "pierre.key"), "--public", "--out", str(fr / "pierre.pub"))
    shutil.copy(fr / "pierre.pub", ma / "pierre.pub")  # out of band: the examiner's public key
    ma_ledger, ma_offer = _ma_side(ma, ma / "pierre.pub")
    shutil.copy(ma / "ma-ledger.pub", fr / "ma-ledger.pub")  # out of band: the Moroccan ledger's key
    shutil.copy(ma_offer, fr / "offer.scelle")  # the only file that travels to France
    ledger = fr / "fr.ledger"
    ok("init", str(ledger), "--case", "FR-JI-2026-77", "--origin", FR_ORIGIN, "--key", str(fr / "ledger.key"))
    _authority(
        ledger,
        fr / "pierre.key",
        *("--instrument", "domestic-order", "--issuing-state", "FR", "--issuing-authority", "JI Paris"),
        *("--reference", "JI-PARIS-77", "--issued", "2026-03-20", "--valid-until", "2026-12-31"),
    )
    receipt = fr / "receipt.scelle"
    received = ok(
        "receive",
        str(fr / "offer.scelle"),
        *("--ledger", str(ledger), "--key", str(fr / "pierre.key"), "--trust", str(fr / "ma-ledger.pub")),
        *("--authority", "JI-PARIS-77", "--at", "2026-04-02T10:00:00+02:00", "--out", str(receipt), "--json"),
    )
    assert json.loads(received.output)["entry"]["handover"]["origin"] == MA_ORIGIN
    shutil.copy(receipt, ma / "receipt.scelle")  # the only file that travels back
    ok("key", "show", str(fr / "ledger.key"), "--public", "--out", str(fr / "fr-ledger.pub"))
    shutil.copy(fr / "fr-ledger.pub", ma / "fr-ledger.pub")
    # Days pass in Morocco while the receipt travels: the ledger keeps being used, for other items (recorded), and
    # for the item offered (refused: only the transfer that completes the offer may follow it).
    other = ma / "phone.img"
    other.write_bytes(b"another item")
    amina = ("--key", str(ma / "amina.key"), "--authority", "TPI-2026-117", "--category", "content")
    ok("record", str(ma_ledger), *amina, "--action", "seized", "--artefact", str(other), "--at", "2026-04-01T12:00:00Z")
    while_offered = run(
        "record", str(ma_ledger), *amina, "--action", "analysed", "--artefact", str(ma / "disk.img"),
        "--at", "2026-04-01T13:00:00Z",
    )  # fmt: skip
    done = ok("complete", str(ma_ledger), str(ma / "receipt.scelle"), "--trust", str(ma / "fr-ledger.pub"), "--json")
    assert json.loads(done.output)["entry"]["action"] == "transferred"
    ok(
        "record",
        str(ledger),
        *("--key", str(fr / "pierre.key"), "--action", "analysed", "--artefact", "sha256:" + _digest(ma / "disk.img")),
        *("--authority", "JI-PARIS-77", "--at", "2026-04-03T09:00:00+02:00", "--category", "content"),
    )
    bundle = fr / "bundle.json"
    ok("export", str(ledger), "--out", str(bundle))
    ok("export", str(ma_ledger), "--out", str(ma / "bundle.json"))
    yield Handover(
        ma_ledger,
        ledger,
        ma / "offer.scelle",
        receipt,
        bundle,
        fr / "ma-ledger.pub",
        fr / "fr-ledger.pub",
        fr / "pierre.key",
        while_offered,
        ma / "bundle.json",
    )


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_linked_bundle_verifies_with_both_keys(handover: Handover) -> None:
    result = ok("verify", str(handover.bundle), "--trust", str(handover.ma_pub), "--trust", str(handover.fr_pub))
    assert "VERIFIED" in result.output and "Border crossed" in result.output
    assert MA_ORIGIN in result.output and FR_ORIGIN in result.output
    both = [str(handover.ma_pub), str(handover.fr_pub)]
    report = verify_bundle(handover.bundle.read_bytes(), [read_trust(k) for k in both])
    assert [e.action for e in report.linked[0].contents.events] == ["seized", "acquired", "offered"]
    assert [e.action for e in report.contents.events] == ["received", "analysed"]
    assert f"Came across the border from ledger: {MA_ORIGIN}" in result.output
    lines = result.output.splitlines()
    assert lines.index(f" Ledger: {MA_ORIGIN}") < lines.index(f" Ledger: {FR_ORIGIN}")
    html = handover.bundle.parent / "rapport.html"
    french = ok(
        "verify", str(handover.bundle), "--trust", both[0], "--trust", both[1], "--lang", "fr", "--report", str(html)
    )
    assert "Passage de la frontière" in french.output and "Registre\u00a0: " + MA_ORIGIN in french.output
    page = html.read_text(encoding="utf-8")
    assert "Parvenu de l'étranger, du registre" in page and MA_ORIGIN in page and FR_ORIGIN in page


def test_both_ledgers_verify_and_the_sender_holds_the_transfer_signed_by_both(handover: Handover) -> None:
    ok("verify", str(handover.ma), "--trust", str(handover.ma_pub))
    ok("verify", str(handover.fr), "--trust", str(handover.fr_pub))
    with Ledger.open(handover.ma) as ma:
        transfer = ma.entries()[-1]
    assert transfer.body.action == "transferred" and len(transfer.signatures) == 2  # type: ignore[union-attr]


def test_the_sending_ledger_records_other_items_before_the_receipt_comes_back(handover: Handover) -> None:
    with Ledger.open(handover.ma) as ma:
        events = [e.body for e in ma.entries() if isinstance(e.body, Event)]
    seized, transfer = events[-2], events[-1]
    assert (seized.action, transfer.action) == ("seized", "transferred")
    assert transfer.signed_at is not None and seized.recorded_at <= transfer.recorded_at  # the ledger order holds
    assert transfer.signed_at < seized.recorded_at  # signed with the offer, before the other seizure
    result = ok("verify", str(handover.ma_bundle), "--trust", str(handover.ma_pub))
    assert "Verdict: VERIFIED" in result.output


def test_the_offered_item_takes_no_other_event_until_the_handover_completes(handover: Handover) -> None:
    clean_error(handover.while_offered, 1, "is offered to Pierre Martin (event ev-")
    assert "only the transfer that completes it, or a new offer, may follow" in handover.while_offered.output


def test_a_receipt_completes_once(handover: Handover) -> None:
    receipt = handover.ma.parent / "receipt.scelle"
    clean_error(run("complete", str(handover.ma), str(receipt)), 1, "the handover was completed")


def test_a_missing_key_is_a_clear_failure_naming_the_ledger(handover: Handover) -> None:
    result = run("verify", str(handover.bundle), "--trust", str(handover.fr_pub))
    clean_error(result, 3, f"No trusted key was given for ledger {MA_ORIGIN}")
    clean_error(run("verify", str(handover.bundle), "--trust", str(handover.ma_pub)), 3, "NOT VERIFIED")


def test_an_offer_is_received_once_and_only_against_the_senders_key(handover: Handover, tmp_path: Path) -> None:
    again = run(
        "receive",
        str(handover.offer),
        *("--ledger", str(handover.fr), "--key", str(handover.pierre), "--trust", str(handover.ma_pub)),
        *("--out", str(tmp_path / "again.scelle")),
    )
    clean_error(again, 1, "already received")
    assert not (tmp_path / "again.scelle").exists()
    with Ledger.open(handover.fr) as fr:
        before = len(fr.entries())
    wrong_key = run(
        "receive",
        str(handover.offer),
        *("--ledger", str(handover.fr), "--key", str(handover.pierre), "--trust", str(handover.fr_pub)),
        *("--out", str(tmp_path / "r.scelle")),
    )
    clean_error(wrong_key, 3, "NOT VERIFIED")
    with Ledger.open(handover.fr) as fr:
        assert len(fr.entries()) == before
    assert not (tmp_path / "r.scelle").exists()


def _positions(size: int, budget: int) -> list[int]:
    """Every byte of the first and last 200, then a dense even spread of the rest (``budget`` positions in all)."""
    edges = set(range(min(size, 200))) | set(range(max(0, size - 200), size))
    step = max(1, size // max(1, budget - len(edges)))
    return sorted(edges | set(range(0, size, step)))


def _flips(data: bytes, budget: int) -> Iterator[bytes]:
    for i in _positions(len(data), budget):
        yield data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :]


def _fails_cleanly(check: object, data: bytes) -> None:
    try:
        check(data)  # type: ignore[operator]
    except EvidenceError:
        return
    raise AssertionError("a flipped byte was accepted")


def test_any_flipped_byte_of_offer_receipt_or_bundle_fails_cleanly(handover: Handover) -> None:
    pierre: KeyPair = load_private_key(handover.pierre, PASS.encode())
    ma_key, fr_key = read_trust(handover.ma_pub), read_trust(handover.fr_pub)
    offer = handover.offer.read_bytes()
    receipt = handover.receipt.read_bytes()
    bundle = handover.bundle.read_bytes()
    check_offer(OfferFile.from_bytes(offer), pierre, ma_key)  # the unflipped files pass
    verify_bundle(bundle, [ma_key, fr_key])
    with Ledger.open(handover.ma, readonly=True) as ma:
        check_receipt(ma, ReceiptFile.from_bytes(receipt), trusted=fr_key)
        for flipped in _flips(receipt, len(receipt)):  # every byte
            _fails_cleanly(lambda d: check_receipt(ma, ReceiptFile.from_bytes(d), trusted=fr_key), flipped)
    for flipped in _flips(offer, 1500):
        _fails_cleanly(lambda d: check_offer(OfferFile.from_bytes(d), pierre, ma_key), flipped)
    for flipped in _flips(bundle, 1500):
        _fails_cleanly(lambda d: verify_bundle(d, [ma_key, fr_key]), flipped)


def _offer_size(offer: Path) -> int:
    return parse_checkpoint(parse_note(OfferFile.from_bytes(offer.read_bytes()).checkpoint)[0]).size


def test_a_rollback_of_the_sending_ledger_is_caught_with_the_offer_or_the_receipt(
    handover: Handover, tmp_path: Path
) -> None:
    ma_pub, fr_pub = str(handover.ma.parent / "ma-ledger.pub"), str(handover.fr_pub)
    for since in (handover.offer, handover.receipt):  # the ledgers as they are pass
        ok("verify", str(handover.ma), "--trust", ma_pub, "--since", str(since))
    ok("verify", str(handover.fr), "--trust", fr_pub, "--since", str(handover.receipt))
    size = _offer_size(handover.offer)
    ma = tmp_path / "ma.ledger"
    shutil.copy(handover.ma, ma)
    _cut_back(ma, size - 1)  # the offered event and all that followed it, cut away
    ok("verify", str(ma), "--trust", ma_pub)  # the file alone cannot show it
    for since in (handover.offer, handover.receipt):
        result = run("verify", str(ma), "--trust", ma_pub, "--since", str(since))
        clean_error(result, 3, f"rollback: the ledger has {size - 1} entries (root ")
        assert f"fewer than the {size} entries (root " in result.output
