"""The streaming bundle reader (``custody.bundle.stream``) against the plain reading it replaces.

Both readings must give the same answer on every input: the same findings for a bundle that reads, the same
error (type and message) for a file that does not. The bundles are the scenario's (plain, indented, compact, with a
linked history) and mutants of them; the window is made tiny too, so that values cross its edges.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custody.bundle import stream
from custody.bundle.export import export_bundle
from custody.bundle.format import Bundle, BundleFormatError, strip_whitespace
from custody.bundle.stream import StreamedBundle, read_bundle
from custody.bundle.verify import verify_bundle, verify_parsed
from custody.model.entries import encode_json
from custody.model.trust import Trust
from evidence.common.errors import EvidenceError
from evidence.common.report import VerificationError
from tests.custody.support.bundle_scenario import Scenario, build
from tests.custody.support.linked_scenario import Linked, build_linked

Outcome = tuple[object, ...]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build(tmp_path_factory.mktemp("stream"))


@pytest.fixture(scope="module")
def bundle(scenario: Scenario) -> bytes:
    return export_bundle(scenario.leaves, scenario.checkpoint()).bundle.to_bytes()


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Linked:
    return build_linked(tmp_path_factory.mktemp("stream-linked"))


def _outcome(call: Callable[[], object]) -> Outcome:
    try:
        report = call()
    except VerificationError as exc:
        report = exc.report
    except EvidenceError as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("report", report.ok, tuple(report.findings), report.linked)  # type: ignore[attr-defined]


def both(data: bytes, trust: Trust | Sequence[Trust]) -> tuple[Outcome, Outcome]:
    """The streamed verdict and the plain reading's verdict on ``data``."""
    streamed = _outcome(lambda: verify_bundle(data, trust))
    plain = _outcome(lambda: verify_parsed(Bundle.from_bytes(data, "bundle"), trust))
    return streamed, plain


def test_a_well_formed_bundle_is_streamed(bundle: bytes, scenario: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(bundle)
    for source in (bundle, path, str(path)):
        read = read_bundle(source)
        assert isinstance(read, StreamedBundle)
        assert list(read.iter_entries()) == list(Bundle.from_bytes(bundle).entries)
    streamed, plain = both(bundle, scenario.ledger_key.info.public_key)
    assert streamed == plain
    assert streamed[1] is True
    assert verify_bundle(path, scenario.ledger_key.info.public_key).ok


def test_compact_and_tiny_window_agree(
    bundle: bytes, scenario: Scenario, monkeypatch: pytest.MonkeyPatch, linked: Linked
) -> None:
    compact = encode_json(Bundle.from_bytes(bundle).to_json())
    reference = both(bundle, scenario.ledger_key.info.public_key)[1]
    linked_reference = both(linked.bundle, linked.trust)[1]
    monkeypatch.setattr(stream, "CHUNK", 7)  # every value crosses the edge of the window, some numbers too
    for data in (bundle, compact, b"\n\t " + bundle + b" \r\n"):
        assert isinstance(read_bundle(data), StreamedBundle)
        assert both(data, scenario.ledger_key.info.public_key) == (reference, reference)
    assert isinstance(read_bundle(linked.bundle), StreamedBundle)
    assert both(linked.bundle, linked.trust) == (linked_reference, linked_reference)
    assert linked_reference[1] is True


def _mutants(data: bytes) -> list[bytes]:
    text = data.decode("utf-8")
    first_entry = text.index('"entries"')
    swapped = text.replace('"format"', '"formaT"', 1)
    return [
        b"",
        b"   \n",
        b"{}",
        b"[1]",
        data[: len(data) // 2],
        data[:-3],
        data + b"x",
        data + b"{}",
        b"\xef\xbb\xbf" + data,
        data.replace(b'"index": 0', b'"index": 0.0', 1),
        data.replace(b'"index": 0', b'"index": 00', 1),
        data.replace(b'"index": 0', b'"index": -0', 1),
        data.replace(b'"version": 1', b'"version": 2', 1),
        data.replace(b'"version": 1', b'"version": true', 1),
        data.replace(b'"version": 1', b'"version": 1, "extra": 1', 1),
        data.replace(b'"selection": [', b'"selection": [], "selectio": [', 1),
        swapped.encode("utf-8"),
        (text[:first_entry] + '"entries": [],' + text[first_entry:]).encode("utf-8"),
        data.replace(b'"entries": [', b'"entries": [[], ', 1),
        data.replace(b'"entries": [', b'"entries": [{}, ', 1),
        data.replace(b"\xc3\xa9", b"\\u00e9", 1),
        data.replace(b"\xc3\xa9", b"\\u00E9", 1),
        data.replace(b"\xc3\xa9", b"\xc3", 1),
        data.replace(b'"proof": [', b'"proof": ["AAAA", ', 1),
        data.replace(b'"checkpoint"', b'"checkpoint":"x","checkpoint"', 1),
        data.replace(b'"index": 1,', b'"index": 0,', 1),
        data.replace(b'"index": 2,', b'"index": 1,', 1),
        data.replace(b'"leaf": {', b'"leaf": {"a": 1, ', 1),
        data.replace(b": ", b":\n\n", 50),
        data.replace(b",\n", b" ,", 80),
    ]


def test_mutants_get_the_plain_answer(bundle: bytes, scenario: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    mutants = _mutants(bundle)
    assert len(set(mutants)) == len(mutants)
    for chunk in (stream.CHUNK, 5):
        monkeypatch.setattr(stream, "CHUNK", chunk)
        kinds = set()
        for data in mutants:
            streamed, plain = both(data, scenario.ledger_key.info.public_key)
            assert streamed == plain, data[:80]
            kinds.add(plain[0] if plain[0] == "error" else plain[1])
        assert kinds == {"error", False, True}  # refused files, refused bundles, and whitespace-only changes


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_byte_flips_get_the_plain_answer(data: st.DataObject, bundle: bytes, scenario: Scenario) -> None:
    position = data.draw(st.integers(0, len(bundle) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="mask")
    changed = bytearray(bundle)
    changed[position] ^= mask
    streamed, plain = both(bytes(changed), scenario.ledger_key.info.public_key)
    assert streamed == plain


def _changed_between_walks(path: Path, change: Callable[[bytes], bytes], trust: Trust, lang: str) -> str:
    read = read_bundle(path, str(path), lang)
    assert isinstance(read, StreamedBundle)
    path.write_bytes(change(path.read_bytes()))
    with pytest.raises(BundleFormatError) as caught:
        verify_parsed(read, trust)
    return str(caught.value)


def test_a_file_changed_between_walks_is_refused(bundle: bytes, scenario: Scenario, tmp_path: Path) -> None:
    trust = scenario.ledger_key.info.public_key
    path = tmp_path / "b.json"
    changes: list[Callable[[bytes], bytes]] = [
        lambda d: d.replace(b'"seal": "SC-2026-17"', b'"seal": "SC-2026-71"', 1),  # still well formed
        lambda d: d[: len(d) // 2],
        lambda d: d.replace(b'"version": 1', b'"version": 10', 1),
        lambda d: d.replace(b"\n", b"\n ", 1),  # even whitespace: not the bytes the first walk read
    ]
    for change in changes:
        path.write_bytes(bundle)
        message = _changed_between_walks(path, change, trust, "en")
        assert (
            message
            == f"{path}: the bundle file changed while it was being verified: verify a copy that nobody writes to"
        )
    path.write_bytes(bundle)
    message = _changed_between_walks(path, changes[0], trust, "fr")
    assert message.startswith(f"{path} : le fichier du dossier a été modifié pendant sa vérification")


def test_unreadable_and_oversized_files(tmp_path: Path, scenario: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    trust = scenario.ledger_key.info.public_key
    missing = tmp_path / "missing.json"
    with pytest.raises(EvidenceError, match=r"missing\.json: cannot read the bundle: No such file or directory"):
        verify_bundle(missing, trust, name=str(missing))
    big = tmp_path / "big.json"
    big.write_bytes(b"{" + b" " * 100 + b"}")
    monkeypatch.setattr("custody.bundle.format.MAX_BUNDLE_BYTES", 50)
    with pytest.raises(BundleFormatError, match=r"big\.json: larger than 50 bytes, not a bundle"):
        verify_bundle(big, trust, name=str(big))


_TOKENS = re.compile(r'("(?:[^"\\]|\\.)*")|[ \t\n\r]+')
"""The reference form of ``strip_whitespace``: one substitution per token."""


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab"\\ \t\n\r{}[],:é\u2028')), max_size=60))
def test_strip_whitespace_is_the_token_substitution(text: str) -> None:
    assert strip_whitespace(text) == _TOKENS.sub(r"\1", text).encode("utf-8")
