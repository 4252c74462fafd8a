"""Export and offline verification of the prosecutor bundle on the cross-border scenario (real keys, real leaves)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from custody.bundle.artefact_files import ArtefactFileError
from custody.bundle.export import export_bundle
from custody.bundle.format import (
    Bundle,
    BundleFormatError,
    strip_whitespace,
)
from custody.bundle.outcome import BundleReport
from custody.bundle.verify import verify_bundle
from custody.errors import BundleSelectionError, KeyFileError, LedgerTamperedError
from custody.model.entries import sign_entry
from custody.model.keys import generate_key, save_public_key
from custody.model.records import Event
from custody.model.trust import read_trust
from evidence.common import canonical
from evidence.common.report import VerificationError
from tests.custody.support.bundle_scenario import Scenario, build, utc
from tests.custody.support.verdicts import refused


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build(tmp_path_factory.mktemp("scenario"))


def sha256_key(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def bundle_for(s: Scenario, *artefacts: str) -> bytes:
    return export_bundle(s.leaves, s.checkpoint(), artefacts=artefacts).bundle.to_bytes()


def failed_codes(report: BundleReport) -> set[str]:
    return {f.code for f in report.findings if not f.ok}


def test_whole_scenario_verifies_with_every_check_passing(scenario: Scenario) -> None:
    data = bundle_for(scenario)
    report = verify_bundle(data, scenario.ledger_key.info.public_key, [scenario.laptop, scenario.phone])
    assert report.ok, [f for f in report.findings if not f.ok]
    codes = [f.code for f in report.findings]
    for code in ("checkpoint.ok", "proofs.ok", "header.ok", "signatures.ok", "authority.ok", "order.ok"):
        assert code in codes
    assert codes.count("file.ok") == 2
    contents = report.contents
    assert [e.id for e in contents.events] == [f"ev-00{i}" for i in range(1, 8)]
    assert set(contents.authorities) == {"au-ma-order", "au-fr-29", "au-fr-31"}
    transfer = next(e for e in contents.events if e.action == "transferred")
    assert transfer.counter_party is not None and transfer.counter_party.country == "FR"
    report.raise_for_failure()  # passes: nothing failed


def test_trust_as_verifier_key_string_and_as_key_file(scenario: Scenario, tmp_path: Path) -> None:
    data = bundle_for(scenario)
    assert verify_bundle(data, scenario.ledger_key.info.vkey).ok
    vkey_file, json_file = tmp_path / "ledger.vkey", tmp_path / "ledger.pub"
    vkey_file.write_text(scenario.ledger_key.info.vkey + "\n")
    save_public_key(scenario.ledger_key.info, json_file)
    assert verify_bundle(data, read_trust(vkey_file)).ok
    assert verify_bundle(data, read_trust(json_file)).ok


def test_bundle_for_one_artefact_says_nothing_about_the_other(scenario: Scenario) -> None:
    export = export_bundle(scenario.leaves, scenario.checkpoint(), artefacts=[sha256_key(scenario.laptop)])
    data = export.bundle.to_bytes()
    phone = scenario.phone.read_bytes()
    phone_events = [
        e.body
        for e in scenario.entries
        if e.kind == "event" and any(a.name == scenario.phone.name for a in e.body.artefacts)
    ]  # type: ignore[union-attr]
    assert phone_events
    secrets = [hashlib.sha256(phone).hexdigest(), scenario.phone.name, "SC-2026-18", *(e.id for e in phone_events)]  # type: ignore[union-attr]
    import blake3

    secrets.append(blake3.blake3(phone).hexdigest())
    text = data.decode("utf-8")
    for secret in secrets:
        assert secret not in text, secret
    assert export.bundle.selection == (sha256_key(scenario.laptop),)
    assert export.also_named == ()
    report = verify_bundle(data, scenario.ledger_key.info.public_key, [scenario.laptop])
    assert report.ok
    assert {e.id for e in report.contents.events} == {"ev-001", "ev-003", "ev-005", "ev-006", "ev-007"}


def test_selection_by_blake3_or_bare_hex_gives_the_same_bundle(scenario: Scenario) -> None:
    import blake3

    by_sha = bundle_for(scenario, sha256_key(scenario.laptop))
    b3 = blake3.blake3(scenario.laptop.read_bytes()).hexdigest()
    assert bundle_for(scenario, f"blake3:{b3}") == by_sha
    assert bundle_for(scenario, b3.upper()) == by_sha


def test_unknown_or_malformed_selection_is_an_error(scenario: Scenario) -> None:
    with pytest.raises(BundleSelectionError, match="no event"):
        bundle_for(scenario, "sha256:" + "0" * 64)
    with pytest.raises(BundleSelectionError, match="neither"):
        bundle_for(scenario, "not-a-digest")


def test_wrong_trusted_key_is_not_verified(scenario: Scenario) -> None:
    other = generate_key(name="Registre DGSN Casablanca", role="ledger", organisation="DGSN", country="MA")
    report = refused(lambda: verify_bundle(bundle_for(scenario), other.info.public_key))
    assert {"checkpoint.bad", "header.key"} <= failed_codes(report)
    assert "proofs.ok" not in {f.code for f in report.findings}
    with pytest.raises(VerificationError, match="NOT VERIFIED") as caught:
        report.raise_for_failure()
    assert caught.value.report is report and caught.value.exit_code == 3


def test_why_the_signed_state_is_refused_is_stated_in_the_language_asked_for(scenario: Scenario) -> None:
    # as the report page states it (detail.checkpoint_*): no signature by the trusted key, or a bad one
    other = generate_key(name="Registre DGSN Casablanca", role="ledger", organisation="DGSN", country="MA")
    report = refused(lambda: verify_bundle(bundle_for(scenario), other.info.public_key))
    (bad,) = [f for f in report.findings if f.code == "checkpoint.bad"]
    assert [p.code for p in bad.parts] == ["detail.checkpoint_unsigned"]
    assert "il n'est pas signé par la clé de confiance" in bad.text("fr") and "not signed" not in bad.text("fr")
    assert "it is not signed by the trusted key" in bad.text("en")
    note = scenario.checkpoint()
    origin, size, rest = note.split("\n", 2)
    forged = "\n".join([origin, str(int(size) + 1), rest])  # the text changed under the ledger key's signature
    bundle = replace(export_bundle(scenario.leaves, note).bundle, checkpoint=forged)
    report = refused(lambda: verify_bundle(bundle.to_bytes(), scenario.ledger_key.info.public_key))
    (bad,) = [f for f in report.findings if f.code == "checkpoint.bad"]
    assert [p.code for p in bad.parts] == ["detail.checkpoint_signature"]
    assert "n'est pas valide" in bad.text("fr") and "signature by" not in bad.text("fr")


def test_modified_artefact_file_is_rejected(scenario: Scenario, tmp_path: Path) -> None:
    changed = tmp_path / scenario.laptop.name
    data = bytearray(scenario.laptop.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    report = refused(lambda: verify_bundle(bundle_for(scenario), scenario.ledger_key.info.public_key, [changed]))
    assert failed_codes(report) == {"file.bad"}
    assert report.contents.files[0].artefact is None


def test_missing_artefact_file_is_a_clean_error(scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(ArtefactFileError, match=r"missing\.E01"):
        verify_bundle(bundle_for(scenario), scenario.ledger_key.info.public_key, [tmp_path / "missing.E01"])


def test_original_artefact_is_not_modified_by_verification(scenario: Scenario) -> None:
    before = hashlib.sha256(scenario.laptop.read_bytes()).hexdigest()
    verify_bundle(bundle_for(scenario), scenario.ledger_key.info.public_key, [scenario.laptop])
    assert hashlib.sha256(scenario.laptop.read_bytes()).hexdigest() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"not json at all", "not a complete JSON"),
        (b"[1, 2]", "not a scelle custody bundle"),
        (b'{"format": "something-else", "version": 1}', "not a scelle custody bundle"),
        (b'{"format": "scelle-custody-bundle", "version": 2}', "unknown bundle version 2"),
        (b'{"format": "scelle-custody-bundle", "version": true}', "unknown bundle version True"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_bad_bundles_give_one_clean_error(data: bytes, message: str, scenario: Scenario) -> None:
    with pytest.raises(BundleFormatError, match=message) as caught:
        verify_bundle(data, scenario.ledger_key.info.public_key, name="in.json")
    assert str(caught.value).startswith("in.json: ")
    assert "\n" not in str(caught.value)


def test_truncated_bundle_is_a_clean_error(scenario: Scenario) -> None:
    data = bundle_for(scenario)
    for cut in (1, len(data) // 3, len(data) // 2, len(data) - 3):
        with pytest.raises(BundleFormatError, match="not a complete JSON"):
            verify_bundle(data[:cut], scenario.ledger_key.info.public_key)


def test_missing_or_bad_key_file_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="no such key file"):
        read_trust(tmp_path / "absent.pub")
    garbage = tmp_path / "garbage.pub"
    garbage.write_text("this is not a key\n")
    with pytest.raises(KeyFileError, match=r"garbage\.pub"):
        read_trust(garbage)


def test_unknown_member_or_unsorted_entries_are_refused(scenario: Scenario) -> None:
    obj = json.loads(bundle_for(scenario))
    extra = dict(obj, comment="added")
    with pytest.raises(BundleFormatError, match="unknown member"):
        Bundle.from_bytes(canonical.encode(extra))
    swapped = dict(obj, entries=[obj["entries"][1], obj["entries"][0], *obj["entries"][2:]])
    with pytest.raises(BundleFormatError, match="strictly increasing"):
        Bundle.from_bytes(canonical.encode(swapped))


def test_insignificant_whitespace_changes_still_verify(scenario: Scenario) -> None:
    data = bundle_for(scenario)
    compact = strip_whitespace(data)
    wide = json.dumps(json.loads(data), indent="\t", sort_keys=True, ensure_ascii=False).encode()
    spaced = compact.replace(b'":', b'" :\r\n ').replace(b",{", b" ,\t{")
    for variant in (compact, wide, spaced, b"\n  " + data + b"\n\n"):
        assert variant != data
        assert verify_bundle(variant, scenario.ledger_key.info.public_key).ok


def test_equivalent_but_non_canonical_spelling_is_refused(scenario: Scenario) -> None:
    data = bundle_for(scenario)
    escaped = data.replace("é".encode(), b"\\u00e9", 1)
    assert escaped != data
    with pytest.raises(BundleFormatError, match="canonical"):
        verify_bundle(escaped, scenario.ledger_key.info.public_key)


def test_ledger_that_contradicts_its_checkpoint_is_not_exported(scenario: Scenario) -> None:
    leaves = list(scenario.leaves)
    leaves[4] = leaves[4].replace(b"TPI-CASA", b"TPI-RABA")
    assert leaves[4] != scenario.leaves[4]
    with pytest.raises(LedgerTamperedError, match="root"):
        export_bundle(leaves, scenario.checkpoint())
    with pytest.raises(LedgerTamperedError, match=f"names {len(scenario.leaves)} entries, the ledger holds 5"):
        export_bundle(scenario.leaves[:5], scenario.checkpoint())


def test_omitted_middle_event_is_detected(scenario: Scenario) -> None:
    export = export_bundle(scenario.leaves, scenario.checkpoint(), artefacts=[sha256_key(scenario.laptop)])
    acquired = next(e for e in export.bundle.entries if b'"ev-003"' in e.leaf and b'"acquired"' in e.leaf)
    bundle = replace(export.bundle, entries=tuple(e for e in export.bundle.entries if e is not acquired))
    report = refused(lambda: verify_bundle(bundle.to_bytes(), scenario.ledger_key.info.public_key))
    assert {"chain.missing", "chain.prev"} <= failed_codes(report)


def test_dropped_authority_is_detected(scenario: Scenario) -> None:
    export = export_bundle(scenario.leaves, scenario.checkpoint())
    bundle = replace(
        export.bundle, entries=tuple(e for e in export.bundle.entries if b'"au-fr-31","instrument"' not in e.leaf)
    )
    assert len(bundle.entries) == len(export.bundle.entries) - 1
    report = refused(lambda: verify_bundle(bundle.to_bytes(), scenario.ledger_key.info.public_key))
    assert "authority.missing" in failed_codes(report)


def test_action_outside_the_authority_window_is_detected(tmp_path: Path) -> None:
    s = build(tmp_path)
    analysed = next(e.body for e in s.entries if isinstance(e.body, Event) and e.body.id == "ev-007")
    assert isinstance(analysed, Event)
    late = replace(analysed, id="ev-008", occurred_at=utc(2027, 2, 1), recorded_at=utc(2027, 2, 1, 1))
    s.add_event(late, s.examiner_fr)
    report = refused(lambda: verify_bundle(bundle_for(s), s.ledger_key.info.public_key))
    cover = [f for f in report.findings if f.code == "authority.cover"]
    assert [f.params["id"] for f in cover] == ["ev-008"]
    assert "not valid at" in cover[0].text()


def test_transfer_signed_by_one_party_only_is_detected(tmp_path: Path) -> None:
    s = build(tmp_path)
    transfer = next(e for e in s.entries if e.kind == "event" and e.body.action == "transferred")  # type: ignore[union-attr]
    index = s.entries.index(transfer)
    one_sided = sign_entry("event", transfer.body, [s.examiner_ma])
    s.entries[index] = one_sided
    s.leaves[index] = one_sided.leaf()
    report = refused(lambda: verify_bundle(bundle_for(s), s.ledger_key.info.public_key))
    assert [f.params["id"] for f in report.findings if f.code == "signature.bad"] == [transfer.entry_id]


def test_a_signature_by_an_unknown_key_on_the_checkpoint_is_ignored(scenario: Scenario) -> None:
    # Witnesses cosign checkpoints (C2SP signed-note: verifiers ignore unknown keys): never a failure.
    from custody.tlog.notes import add_signature

    stranger = generate_key(name="Stranger", role="ledger", organisation="X", country="FR")
    note = add_signature(scenario.checkpoint(), "Stranger", stranger.private_key)
    bundle = replace(export_bundle(scenario.leaves, scenario.checkpoint()).bundle, checkpoint=note)
    report = verify_bundle(bundle.to_bytes(), scenario.ledger_key.info.public_key)
    assert "checkpoint.ok" in {f.code for f in report.findings if f.ok}


def test_event_about_two_artefacts_is_disclosed_whole_and_reported(tmp_path: Path) -> None:
    s = build(tmp_path)
    both = tuple(
        a
        for e in s.entries
        if isinstance(e.body, Event) and e.body.id in ("ev-003", "ev-004")
        for a in e.body.artefacts
    )
    stored = next(e.body for e in s.entries if isinstance(e.body, Event) and e.body.id == "ev-005")
    assert isinstance(stored, Event)
    s.add_event(
        replace(
            stored,
            id="ev-010",
            action="stored",
            artefacts=both,
            seal=None,
            occurred_at=utc(2026, 4, 11),
            recorded_at=utc(2026, 4, 11, 1),
        ),
        s.examiner_ma,
    )
    laptop = sha256_key(s.laptop)
    export = export_bundle(s.leaves, s.checkpoint(), artefacts=[laptop])
    assert export.also_named == (sha256_key(s.phone),)
    report = verify_bundle(export.bundle.to_bytes(), s.ledger_key.info.public_key)
    assert report.ok, [f for f in report.findings if not f.ok]
    assert report.contents.events[-1].id == "ev-010"


def test_bundle_files_are_told_from_ledger_files_and_written_whole(scenario: Scenario, tmp_path: Path) -> None:
    from custody.bundle.io import looks_like_bundle, looks_like_ledger, write_whole

    bundle, ledger = tmp_path / "b.json", tmp_path / "case.ledger"
    write_whole(bundle, bundle_for(scenario))
    ledger.write_bytes(b"SQLite format 3\x00" + bytes(100))
    assert looks_like_bundle(bundle) and not looks_like_bundle(ledger)
    assert looks_like_ledger(ledger) and not looks_like_ledger(bundle)
    assert not looks_like_bundle(tmp_path / "absent.json")
    assert verify_bundle(bundle.read_bytes(), scenario.ledger_key.info.public_key).ok
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
