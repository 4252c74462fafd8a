"""Usage errors (exit 2) are one line from the catalogue naming the option or argument, in the language of the
command line (a ``--lang`` anywhere on it) or of the locale; the reasons of the operating system are stated from the
catalogue by their errno, and a reason the catalogue does not know is quoted as the system's words in French."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli, os_error_message
from cli.usage import argv_lang
from evidence.common.reasons import library_text, os_reason

UNSET: dict[str, str | None] = {"LC_ALL": None, "LC_MESSAGES": None, "SCELLE_LANG": None}


def run(*args: str, lang: str = "C.UTF-8", **env: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={**UNSET, "LANG": lang, **env}, prog_name="scelle")
    return result.exit_code, result.stdout, result.stderr


ENGLISH = {
    ("image", "info", "--bogus", "x.raw"): "no such option: --bogus (see scelle image info --help)",
    ("image", "info", "--hel"): "no such option: --hel; did you mean --help? (see scelle image info --help)",
    ("image", "info"): "missing argument: IMAGES... (see scelle image info --help)",
    ("imag",): "no such command: imag (see scelle --help)",
    ("image", "ls", "x.raw", "-p", "abc"): (
        "invalid value for --partition / -p: 'abc' is not a whole number (see scelle image ls --help)"
    ),
    ("image", "hash", "x.raw", "--lang", "de"): (
        "invalid value for --lang: 'de' is not one of en, fr (see scelle image hash --help)"
    ),
    ("custody", "prove", "l.ledger", "--consistency-from", "0"): (
        "invalid value for --consistency-from: 0 is not in the range x>=1 (see scelle custody prove --help)"
    ),
    ("custody", "key", "new", "--name", "x"): "missing option: --role (see scelle custody key new --help)",
    ("image", "info", "x.raw", "--tz"): "option --tz needs a value (see scelle image info --help)",
    ("image", "info", "x.raw", "--json=yes"): "option --json does not take a value (see scelle image info --help)",
    (
        "custody",
        "key",
        "show",
        "a.key",
        "b.key",
    ): "unexpected extra argument: b.key (see scelle custody key show --help)",
    ("hashset", "index", "nowhere.txt", "--out", "x.idx"): (
        "invalid value for SOURCE: nowhere.txt does not exist (see scelle hashset index --help)"
    ),
}

FRENCH = {
    ("image", "info", "--bogus", "x.raw"): "option inconnue : --bogus (voir scelle image info --help)",
    ("image", "info"): "argument manquant : IMAGES... (voir scelle image info --help)",
    ("imag",): "commande inconnue : imag (voir scelle --help)",
    ("image", "ls", "x.raw", "-p", "abc"): (
        "valeur invalide pour --partition / -p : 'abc' n'est pas un nombre entier (voir scelle image ls --help)"
    ),
    ("custody", "key", "new", "--name", "x"): (
        "option obligatoire manquante : --role (voir scelle custody key new --help)"
    ),
    ("image", "cat", "x.raw"): ("indiquez une et une seule des options --path, --inode (voir scelle image cat --help)"),
}


@pytest.mark.parametrize("args", list(ENGLISH))
def test_a_usage_error_is_one_english_line_naming_the_option(args: tuple[str, ...]) -> None:
    code, stdout, stderr = run(*args)
    assert (code, stdout, stderr) == (2, "", f"scelle: error: {ENGLISH[args]}\n")


@pytest.mark.parametrize("args", list(FRENCH))
def test_a_usage_error_is_french_with_a_french_locale_or_a_lang_fr_anywhere(args: tuple[str, ...]) -> None:
    expected = f"scelle: erreur : {FRENCH[args]}\n"
    assert run(*args, lang="fr_FR.UTF-8") == (2, "", expected)
    assert run(*args, LC_MESSAGES="fr_MA.UTF-8") == (2, "", expected)  # LC_MESSAGES wins over LANG
    assert run(*args, "--lang=fr")[2] == expected
    assert run(*args, "--lang", "fr", lang="fr_FR.UTF-8")[2] == expected
    assert run(*args, "--lang", "en", lang="fr_FR.UTF-8")[2] == f"scelle: error: {ENGLISH_OF[args]}\n"


ENGLISH_OF = {args: text for args, text in ENGLISH.items()} | {
    ("image", "cat", "x.raw"): "give exactly one of --path, --inode (see scelle image cat --help)"
}


def test_help_and_a_group_without_command_still_show_clicks_help() -> None:
    code, stdout, _ = run("image", "info", "--help", lang="fr_FR.UTF-8")
    assert code == 0 and stdout.startswith("Usage: scelle image info")  # --help stays English (out of scope)
    code, _, stderr = run("custody", lang="fr_FR.UTF-8")
    assert code == 2 and "Commands:" in stderr + run("custody")[1]


def test_argv_lang_finds_the_last_lang_before_a_double_dash() -> None:
    assert argv_lang(["image", "info", "--lang", "fr"]) == "fr"
    assert argv_lang(["--lang=fr", "x", "--lang", "en"]) == "en"
    assert argv_lang(["x", "--", "--lang", "fr"]) is None
    assert argv_lang(["x", "--lang", "de"]) is None
    assert argv_lang(["x", "--lang"]) is None


FRENCH_REASONS = {
    errno.ENOENT: "fichier ou répertoire introuvable",
    errno.EACCES: "accès refusé",
    errno.EISDIR: "c'est un répertoire",
    errno.ENOSPC: "plus d'espace disponible sur le périphérique",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EIO: "erreur d'entrée-sortie",
}


@pytest.mark.parametrize("number", list(FRENCH_REASONS))
def test_common_os_reasons_are_french_from_the_catalogue_and_english_as_the_c_library_says(number: int) -> None:
    exc = OSError(number, os.strerror(number), "/evidence/out.E01")
    assert os_reason(exc).text("fr") == FRENCH_REASONS[number]
    assert os_reason(exc).text("en") == os.strerror(number)  # English output reads as it always did
    assert os_error_message(exc, "fr") == f"scelle: erreur : /evidence/out.E01 : {FRENCH_REASONS[number]}"
    assert os_error_message(exc, "en") == f"scelle: error: /evidence/out.E01: {os.strerror(number)}"


def test_another_os_reason_is_quoted_as_the_systems_words_in_french() -> None:
    exc = OSError(errno.ETIMEDOUT, "Connection timed out")
    assert os_reason(exc).text("fr") == "message du système : « Connection timed out »"
    assert os_error_message(exc, "en") == "scelle: error: Connection timed out"
    assert library_text("tsk", "Cannot  determine\nfile system type").text("fr") == (
        "message de TSK : « Cannot determine file system type »"
    )


def _new_key(out: str, typed: str, **env: str) -> tuple[int, str, str]:
    args = ["custody", "key", "new", "--name", "Awa Ndiaye", "--role", "examiner", "--org", "DIC", "--country", "SN"]
    environ = {**UNSET, "SCELLE_PASSPHRASE": None, "LANG": "C.UTF-8", **env}
    result = CliRunner().invoke(cli, [*args, "--out", out], env=environ, input=typed)
    return result.exit_code, result.stdout, result.stderr


def test_the_passphrase_prompts_and_their_refusal_are_in_the_language_asked_for(tmp_path: Path) -> None:
    out = str(tmp_path / "awa.key")
    code, _, stderr = _new_key(out, "phrase un\nphrase deux\n", LANG="fr_FR.UTF-8")
    assert code == 1 and not Path(out).exists()
    assert f"Phrase secrète de la nouvelle clé {out} : " in stderr
    assert "Confirmez en la saisissant de nouveau : " in stderr
    assert stderr.endswith(
        f"scelle: erreur : {out} : les deux phrases secrètes saisies diffèrent ; rien n'a été écrit\n"
    )
    code, _, stderr = _new_key(out, "phrase\nphrase\n")
    assert code == 0 and Path(out).exists()
    assert stderr.startswith(f"Passphrase for new key {out}: ") and "Repeat for confirmation: " in stderr


def test_a_prompt_left_without_an_answer_is_one_line_in_the_language_asked_for(tmp_path: Path) -> None:
    out = str(tmp_path / "awa.key")
    code, _, stderr = _new_key(out, "", LANG="fr_FR.UTF-8")
    assert code == 1 and stderr.startswith(f"Phrase secrète de la nouvelle clé {out} : ")
    assert stderr.endswith("\nscelle: abandon : une demande de saisie est restée sans réponse\n")  # not "Aborted!"
    assert _new_key(out, "")[2].endswith("\nscelle: aborted: a prompt was left without an answer\n")  # not "Aborted!"
