"""Handler keys: real Ed25519 keys encrypted with bcrypt-pbkdf, identity binding, clean errors."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from custody.errors import KeyFileError, RecordError, SignatureError
from custody.model.countries import COUNTRIES
from custody.model.identity import Handler, check_country
from custody.model.keys import (
    KeyPair,
    fingerprint,
    generate_key,
    load_private_key,
    load_public_key,
    save_private_key,
    save_public_key,
    verify_signature,
)

PASS = b"correct horse battery staple"
FAST = {"rounds": 4}  # the default is slow on purpose; tests only need the format


@pytest.fixture(scope="module")
def amina() -> KeyPair:
    return generate_key(name="Amina El Idrissi", role="examiner", organisation="DGSN Rabat", country="MA")


def test_round_trip_and_signature(tmp_path: Path, amina: KeyPair) -> None:
    path = tmp_path / "amina.key"
    save_private_key(amina, path, PASS, **FAST)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    loaded = load_private_key(path, PASS)
    assert loaded.info == amina.info
    signature = loaded.sign(b"sealed")
    verify_signature(amina.info.public_key, signature, b"sealed")
    with pytest.raises(SignatureError):
        verify_signature(amina.info.public_key, signature, b"unsealed")
    assert amina.info.fingerprint == fingerprint(amina.info.public_key)
    assert amina.info.handler.key_fingerprint == amina.info.fingerprint


def test_private_key_is_openssh_bcrypt_not_pkcs8(tmp_path: Path, amina: KeyPair) -> None:
    path = tmp_path / "k"
    save_private_key(amina, path, PASS, **FAST)
    document = json.loads(path.read_text())
    assert document["private_key"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert "ENCRYPTED" not in document["private_key"]  # PKCS#8 would say BEGIN ENCRYPTED PRIVATE KEY
    assert document["fingerprint"] == amina.info.fingerprint


def test_wrong_passphrase_is_a_clear_error(tmp_path: Path, amina: KeyPair) -> None:
    path = tmp_path / "k"
    save_private_key(amina, path, PASS, **FAST)
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        load_private_key(path, b"not the passphrase")


def test_empty_passphrase_and_overwrite_refused(tmp_path: Path, amina: KeyPair) -> None:
    path = tmp_path / "k"
    with pytest.raises(KeyFileError, match="empty passphrase"):
        save_private_key(amina, path, b"", **FAST)
    save_private_key(amina, path, PASS, **FAST)
    before = path.read_bytes()
    with pytest.raises(KeyFileError, match="already exists"):
        save_private_key(amina, path, PASS, **FAST)
    assert path.read_bytes() == before


def test_edited_identity_is_detected(tmp_path: Path, amina: KeyPair) -> None:
    path = tmp_path / "k"
    save_private_key(amina, path, PASS, **FAST)
    document = json.loads(path.read_text())
    document["identity"]["country"] = "FR"
    path.write_text(json.dumps(document))
    with pytest.raises(KeyFileError, match="identity"):
        load_private_key(path, PASS)
    with pytest.raises(KeyFileError, match="identity"):
        load_public_key(path)


def test_swapped_private_key_is_detected(tmp_path: Path, amina: KeyPair) -> None:
    other = generate_key(name="Other", role="courier", organisation="X", country="SN")
    a, b = tmp_path / "a", tmp_path / "b"
    save_private_key(amina, a, PASS, **FAST)
    save_private_key(other, b, PASS, **FAST)
    document = json.loads(a.read_text())
    document["private_key"] = json.loads(b.read_text())["private_key"]
    a.write_text(json.dumps(document))
    with pytest.raises(KeyFileError, match="does not match"):
        load_private_key(a, PASS)


@pytest.mark.parametrize(
    "content", ["", "not json", "[]", '{"format": "scelle-key", "version": 99}', '{"format": "other"}']
)
def test_malformed_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "k"
    path.write_text(content)
    with pytest.raises(KeyFileError):
        load_private_key(path, PASS)
    with pytest.raises(KeyFileError):
        load_public_key(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="no such key file"):
        load_public_key(tmp_path / "absent.pub")


def test_public_key_file(tmp_path: Path, amina: KeyPair) -> None:
    private, public = tmp_path / "k", tmp_path / "k.pub"
    save_private_key(amina, private, PASS, **FAST)
    save_public_key(load_public_key(private), public)
    document = json.loads(public.read_text())
    assert "private_key" not in document and document["format"] == "scelle-public-key"
    assert load_public_key(public) == amina.info
    with pytest.raises(KeyFileError, match="scelle-key"):
        load_private_key(public, PASS)


def test_countries_and_handler_validation() -> None:
    assert len(COUNTRIES) == 249
    assert {"MA", "SN", "TN", "FR", "BE", "DE"} <= COUNTRIES
    for bad in ("XX", "ma", "MAR", ""):
        with pytest.raises(RecordError):
            check_country(bad)
    good = {"name": "A", "role": "examiner", "organisation": "O", "country": "MA"}
    good["key_fingerprint"] = "sha256:" + "0" * 64
    assert Handler.from_json(good).to_json() == good
    for field, value in [("country", "ZZ"), ("name", ""), ("name", "a\nb"), ("key_fingerprint", "md5:00")]:
        with pytest.raises(RecordError):
            Handler.from_json({**good, field: value})
    with pytest.raises(RecordError):
        Handler.from_json({**good, "extra": "x"})
    with pytest.raises(RecordError):
        generate_key(name="A", role="r", organisation="o", country="Morocco")
