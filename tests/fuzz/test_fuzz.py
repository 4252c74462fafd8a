"""Issue 18: the fuzz suite in CI, a few dozen seeded cases per target (the long run is ``benchmarks/fuzz.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.harness import BAD, TARGETS, Corpus, make_corpus, run_case

CASES = 40


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(Path(tmp_path_factory.mktemp("fuzz")))


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_no_traceback_hang_or_crash(corpus: Corpus, target: str) -> None:
    bad = []
    seen = set()
    for seed in range(CASES):
        outcome, text = run_case(corpus, target, seed)
        seen.add(outcome)
        if outcome in BAD:
            bad.append(f"{target}:{seed} {outcome}: {text[-300:]}")
    assert not bad, "\n".join(bad)
    assert "clean-error" in seen  # the mutations do reach the parser


def test_the_original_files_pass(corpus: Corpus) -> None:
    from click.testing import CliRunner

    from cli.main import cli
    from tests.fuzz.harness import PASS

    result = CliRunner().invoke(cli, ["custody", "verify", str(corpus.ledger), "--trust", corpus.vkey],
                                env={"SCELLE_PASSPHRASE": PASS})  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("seed", [1486, 17349, 17430])
def test_long_run_finds_stay_fixed(corpus: Corpus, seed: int) -> None:
    # ledgers whose damaged schema makes SQLite's error text non-UTF-8: sqlite3 raised UnicodeDecodeError
    outcome, text = run_case(corpus, "ledger", seed)
    assert outcome == "clean-error", text[-300:]
    assert text.startswith("scelle: error: ") and "ledger.db" in text
