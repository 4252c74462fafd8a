"""Ledger verification fails closed: a trusted key obtained out of band, or an explicit, reported opt-out."""

from __future__ import annotations

from pathlib import Path

import pytest

from custody.ledger.ledger import Ledger
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair, generate_key, save_public_key
from custody.model.trust import TrustRequiredError, read_trust
from evidence.common.errors import UsageError
from tests.custody.support.verdicts import refused


@pytest.fixture
def path(scenario: Ledger) -> str:
    scenario.close()
    return str(scenario.store.path)


def test_no_trusted_key_and_no_opt_out_is_refused_before_reading(path: str, tmp_path: Path) -> None:
    with pytest.raises(TrustRequiredError, match="no trusted ledger key: pass trust=") as caught:
        verify_ledger(path)
    assert caught.value.exit_code == 2 and str(caught.value).startswith(f"{path}: ")
    with pytest.raises(TrustRequiredError):
        verify_ledger(tmp_path / "absent.db")  # refused before the file is even looked at


def test_the_embedded_key_is_used_only_when_asked_and_the_report_says_so(path: str, keys: dict[str, KeyPair]) -> None:
    report = verify_ledger(path, unsafe_trust_embedded_key=True)
    assert report.ok and not report.key_trusted
    with pytest.raises(UsageError, match="exclude each other"):
        verify_ledger(path, trust=keys["ledger"].info.vkey, unsafe_trust_embedded_key=True)


def test_trust_takes_every_form_a_bundle_verification_takes(
    path: str, keys: dict[str, KeyPair], tmp_path: Path
) -> None:
    info = keys["ledger"].info
    pub, vkey_file = tmp_path / "ledger.pub", tmp_path / "ledger.vkey"
    save_public_key(info, pub)
    vkey_file.write_text(info.vkey + "\n")
    for trust in (info.vkey, info.public_key, info, read_trust(pub), read_trust(vkey_file)):
        report = verify_ledger(path, trust=trust)
        assert report.ok and report.key_trusted and report.vkey == info.vkey, trust


def test_another_key_is_refused_with_both_keys_named(path: str, keys: dict[str, KeyPair]) -> None:
    other = generate_key(name="Registre DGSN Casablanca", role="ledger", organisation="DGSN", country="MA")
    report = refused(lambda: verify_ledger(path, trust=other.info.public_key))
    assert report.key_trusted and report.subject == path
    named = [f for f in report.findings if "not the trusted key" in f]
    assert len(named) == 1 and keys["ledger"].info.vkey in named[0]
    assert any("not signed by any trusted key" in f for f in report.findings)  # every checkpoint refused too
