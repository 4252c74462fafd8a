"""Issue 18: the fuzz suite in CI, a few dozen seeded cases per target (the long run is ``benchmarks/fuzz.py``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.fuzz.harness import BAD, Corpus, make_corpus, run_case
from tests.support.tools import runs_tools, tool

#: cases per target in the suite: about 0.25 s each on two cores (the long run does thousands)
CASES = {"ledger": 40, "key": 40, "e01": 40, "bundle": 40, "fs": 30}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(Path(tmp_path_factory.mktemp("fuzz")))


@pytest.fixture(scope="module")
@runs_tools
def with_tsk(corpus: Corpus) -> Corpus:
    """The corpus with TSK's tools, the oracle of the ``fs`` target."""
    return dataclasses.replace(corpus, tools={name: tool(name) for name in ("fls", "mmls", "icat")})


def _run(corpus: Corpus, target: str) -> set[str]:
    bad, seen = [], set()
    for seed in range(CASES[target]):
        outcome, text = run_case(corpus, target, seed)
        seen.add(outcome)
        if outcome in BAD:
            bad.append(f"{target}:{seed} {outcome}: {text[-600:]}")
    assert not bad, "\n".join(bad)
    return seen


@pytest.mark.parametrize("target", ["ledger", "key", "e01", "bundle"])
def test_no_traceback_hang_crash_or_misread(corpus: Corpus, target: str) -> None:
    seen = _run(corpus, target)
    assert "clean-error" in seen  # the mutations do reach the parser
    if target == "e01":
        assert "same" in seen  # and some leave the media readable: the digest oracle is exercised


def test_file_systems_read_as_tsk_reads_them(with_tsk: Corpus) -> None:
    seen = _run(with_tsk, "fs")
    assert {"clean-error", "changed-valid"} <= seen  # damaged listings are judged against fls, not only refused


def test_the_original_files_pass(corpus: Corpus) -> None:
    from click.testing import CliRunner

    from cli.main import cli
    from tests.fuzz.harness import PASS

    runner = CliRunner()
    result = runner.invoke(cli, ["custody", "verify", str(corpus.ledger), "--trust", corpus.vkey],
                           env={"SCELLE_PASSPHRASE": PASS})  # fmt: skip
    assert result.exit_code == 0, result.output
    bundle, trust = str(corpus.extra["bundle"]), str(corpus.extra["bundle_trust"])
    result = runner.invoke(cli, ["custody", "verify", bundle, "--trust", trust])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("seed", [1486, 17349, 17430])
def test_long_run_finds_stay_fixed(corpus: Corpus, seed: int) -> None:
    # ledgers whose damaged schema makes SQLite's error text non-UTF-8: sqlite3 raised UnicodeDecodeError
    outcome, text = run_case(corpus, "ledger", seed)
    assert outcome == "clean-error", text[-300:]
    assert text.startswith("scelle: error: ") and "ledger.db" in text


@pytest.mark.parametrize(
    ("case", "outcome", "words"),
    [
        # a flipped bit in an ext4 inode's size made a 70 KB file 32 PiB: image ls --hash hashed holes for ever
        ("fs:1341", "clean-error", "is larger than its file system"),
        # a FAT image cut short whose last inode is 2**64 - 202: the orphan search ran for ever
        ("fs:666", "clean-error", "orphan search not done"),
        # a flipped bit made an ext4 file's size negative: it was hashed as empty, with exit 0
        ("fs:2862", "clean-error", "is negative (a damaged size)"),
        # oracle rules: a GPT partition without a name (mmls prints no description); an empty NTFS file that
        # icat refuses for a damaged $FILE_NAME
        ("fs:229", "same", ""),
        ("fs:307", "changed-valid", ""),
        # an Ex01 with a damaged section chain: libewf took 38 s to give up opening it (scelle's walk comes first)
        ("e01:2223", "clean-error", "damaged Ex01 segment file"),
    ],
)
def test_long_run_image_finds_stay_fixed(with_tsk: Corpus, case: str, outcome: str, words: str) -> None:
    target, _, seed = case.partition(":")
    got, text = run_case(with_tsk, target, int(seed))
    assert got == outcome, text[-600:]
    assert words in text
