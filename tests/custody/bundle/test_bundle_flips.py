"""Any byte changed anywhere in a bundle, other than JSON whitespace for JSON whitespace, fails verification.

Every byte outside strings (structure, numbers, whitespace) is flipped; inside strings, one byte of every string
token is flipped, alternately its low bit and its letter-case bit (so every member name, digest, signature, proof
hash and text field is hit at least once), and hypothesis flips random bytes with random masks across the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custody.bundle.export import export_bundle
from custody.bundle.verify import verify_bundle
from evidence.common.errors import EvidenceError
from evidence.common.report import VerificationError
from tests.custody.support.bundle_scenario import Scenario, build

JSON_SPACE = frozenset(b" \t\n\r")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build(tmp_path_factory.mktemp("flips"))


@pytest.fixture(scope="module")
def bundle(scenario: Scenario) -> bytes:
    data = export_bundle(scenario.leaves, scenario.checkpoint()).bundle.to_bytes()
    assert verify_bundle(data, scenario.ledger_key.info.public_key).ok
    return data


def string_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of the content of every JSON string token (between its quotes)."""
    spans, i = [], 0
    while i < len(data):
        if data[i] == 0x22:
            start = i + 1
            i += 1
            while data[i] != 0x22:
                i += 2 if data[i] == 0x5C else 1
            spans.append((start, i))
        i += 1
    return spans


def accepted(data: bytes, scenario: Scenario) -> bool:
    """True only when the bundle verifies; a clean library error or a NOT VERIFIED verdict counts as rejected."""
    try:
        return verify_bundle(data, scenario.ledger_key.info.public_key).ok
    except EvidenceError:
        return False


def flip(data: bytes, position: int, mask: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= mask
    return bytes(changed)


def insignificant(data: bytes, position: int, mask: int, inside: bool) -> bool:
    return not inside and data[position] in JSON_SPACE and data[position] ^ mask in JSON_SPACE


def test_every_byte_outside_strings_is_covered(bundle: bytes, scenario: Scenario) -> None:
    inside = bytearray(len(bundle))
    for start, end in string_spans(bundle):
        inside[start:end] = b"\x01" * (end - start)
    positions = [i for i in range(len(bundle)) if not inside[i]]
    assert len(positions) > 2000
    survivors = [
        i for i in positions if not insignificant(bundle, i, 0x01, False) and accepted(flip(bundle, i, 0x01), scenario)
    ]
    assert survivors == []


def test_one_byte_of_every_string_is_covered(bundle: bytes, scenario: Scenario) -> None:
    spans = [s for s in string_spans(bundle) if s[1] > s[0]]
    assert len(spans) > 500
    survivors = []
    for number, (start, end) in enumerate(spans):
        position = start + (end - start) // 2
        mask = 0x20 if number % 2 else 0x01  # 0x20 changes the case of a letter: hex and base64 must notice
        if accepted(flip(bundle, position, mask), scenario):
            survivors.append((position, mask, bundle[start:end][:40]))
    assert survivors == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_byte_flips_are_rejected(data: st.DataObject, bundle: bytes, scenario: Scenario) -> None:
    position = data.draw(st.integers(0, len(bundle) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="mask")
    inside = any(start <= position < end for start, end in string_spans(bundle))
    if insignificant(bundle, position, mask, inside):
        assert accepted(flip(bundle, position, mask), scenario)
    else:
        assert not accepted(flip(bundle, position, mask), scenario)


def test_flipped_artefact_file_byte_is_rejected(tmp_path: Path, scenario: Scenario, bundle: bytes) -> None:
    original = scenario.laptop.read_bytes()
    for position in (0, len(original) // 2, len(original) - 1):
        changed = tmp_path / f"copy-{position}.E01"
        changed.write_bytes(flip(original, position, 0x80))
        with pytest.raises(VerificationError, match="NOT VERIFIED"):
            verify_bundle(bundle, scenario.ledger_key.info.public_key, [changed])
