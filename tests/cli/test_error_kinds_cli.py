"""An error whose detail the library states only in English (a format reader's or a parser's words) is told in
French by what it is about (``EvidenceError.kind``, from the catalogue), the English detail quoted as such; in
English the line is unchanged. Every error class of the library has a kind both languages state."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from evidence.common.errors import EvidenceError, ImageError
from evidence.common.messages import MESSAGES, error_text

UNSET: dict[str, str | None] = {"LC_ALL": None, "LC_MESSAGES": None, "SCELLE_LANG": None, "LANG": "C.UTF-8"}


def _subclasses(root: type[BaseException]) -> set[type[BaseException]]:
    found = set(root.__subclasses__())
    for cls in list(found):
        found |= _subclasses(cls)
    return found


def test_every_error_class_has_a_kind_stated_in_both_languages() -> None:
    for package in ("evidence", "custody", "cli"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if not info.name.endswith("__main__"):  # running the command line is not importing it
                importlib.import_module(info.name)
    classes = _subclasses(EvidenceError)
    assert len(classes) > 40
    for cls in classes:
        english, french = MESSAGES[cls.kind]
        assert english and french and english != french, cls


def test_an_english_only_detail_is_told_in_french_by_its_kind() -> None:
    error = ImageError("x.E01: section 'sectors' at 1234 overlaps the next one")
    assert error_text(error, "en") == str(error)
    assert error_text(error, "fr") == (
        "image illisible (détail technique, en anglais : « x.E01: section 'sectors' at 1234 overlaps the next one »)"
    )


def test_a_malformed_bundle_is_refused_in_french_with_the_detail_quoted(tmp_path: Path) -> None:
    bundle = tmp_path / "dossier.json"
    bundle.write_text('{"checkpoint":null,"entries":[],"format":"scelle-custody-bundle","selection":[],"version":1}')
    key = tmp_path / "registre.pub"
    key.write_text("scelle.example/MA+00000000+" + "A" * 43 + "=\n")
    runner = CliRunner()
    french = runner.invoke(cli, ["custody", "verify", str(bundle), "--trust", str(key), "--lang", "fr"], env=UNSET)
    english = runner.invoke(cli, ["custody", "verify", str(bundle), "--trust", str(key)], env=UNSET)
    assert french.exit_code == english.exit_code != 0
    (line,) = french.stderr.splitlines()
    assert line.startswith("scelle: erreur : ") and "(détail technique, en anglais : « " in line, line
    detail = line.split("« ", 1)[1].rsplit(" »", 1)[0]
    (english_line,) = english.stderr.splitlines()
    assert english_line == f"scelle: error: {detail}"
