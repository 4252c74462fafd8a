"""Issue 17, item 6: every command a user runs speaks French when asked, with ``--lang fr`` or with a French locale
(``LANG=fr_FR.UTF-8``, no ``--lang``), on success and on each kind of failure, and English when asked for English.

A sweep of real command lines over the fixtures: `image info` on every kind of image (raw, split, E01, Ex01, VMDK,
VHD, QCOW2, LUKS, APFS, partitioned), `verify` (a match, a changed byte, a damaged chunk, a cut E01, a missing
record, a digest from a seizure form), the custody commands (`key new`, `key show`, `init`, `authority add`,
`record`, `show`, `prove`, `verify`, and their refusals), `hashset index`, `batch verify`, and the command line's
own usage errors. What a person reads (stdout and stderr, but not data such as a checkpoint note or JSON) must hold
none of the tell-tale English words below once what is not a sentence of ours is removed: the words of a library
quoted as such (« ... »), file paths, digests, identifiers, option names, values quoted from the command line, and
TSK's own partition descriptions (the ``description (TSK)`` column).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.luks import qemu_luks
from tests.support.tools import runs_tools

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
GENERATED = FIXTURES / "generated"
IMAGES = FIXTURES / "images"

#: English words that none of our French sentences holds (a French run's output, after ``_sentences``)
ENGLISH = re.compile(
    r"\b(the|of|and|is|are|not|no|with|was|this|that|from|has|bytes|sectors|size|error|Error|Usage|Try|stored|"
    r"segments|missing|such|file|files|key|ledger|verified|mismatch|MISMATCH|record|created|valid|under|by|for|"
    r"fingerprint|media|invalid|unknown|expected|got|failed|warning|needs|already|exists|wrong|passphrase|entry|"
    r"case|written|worker|hashed|checksum|corrupt|chunk|truncated)\b"
    r"|no partition"
)
#: French words that none of our English sentences holds
FRENCH = re.compile(
    r"\b(le|la|les|des|du|est|aucun|aucune|octets|secteurs|erreur|fichier|introuvable|registre|empreinte|taille|"
    r"avertissement|valeur|inconnue|manquant|vérifiée|clé|entrée|remarque)\b|[éèêàç«»]"
)
#: TSK's descriptions of partition table rows, as mmls prints them (a library's words, in their own column)
TSK_ROWS = re.compile(r"Primary Table \(#\d+\)|Extended Table \(#\d+\)|Unallocated|DOS Extended|Linux|NTFS / exFAT")


def _sentences(text: str) -> str:
    """``text`` without what is not a sentence of ours (see the module docstring)."""
    text = re.sub(r"«[^»]*»", "", text)  # a library's words, quoted as such
    text = re.sub(r"^(\s*\d+ \S+\s+)ledger\b", r"\1", text)  # `custody show`: the id of a ledger's first entry
    text = TSK_ROWS.sub("", text)
    text = re.sub(r"(?<!\w)'[^']*'|`[^`]*`", "", text)  # a value or a command quoted (not a French elision: l'image)
    text = re.sub(r"\((voir|see) scelle [^)]*\)", "", text)  # the help to read: a command line
    text = re.sub(r"--unlock passphrase|--?[\w-]+", "", text)  # option names (and a literal value to type)
    # paths, digests (sha256:...), times (09:30:00), keys and identifiers; not a word before its colon (error:)
    text = re.sub(r"\S*(?:[/=_+]|:\S)\S*", "", text)
    return re.sub(r"\b[0-9a-f]{16,}\b|\b[\w.-]+\.(raw|E0\d|Ex01|vmdk|vhd|qcow2|img|ledger|key|pub|idx|txt)\b", "", text)


def scelle(
    args: list[str], how: str, cwd: Path, env: dict[str, str] | None = None, *, subprocess_run: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the command line; ``how``: ``--lang fr`` (added where ``{lang}`` stands, else at the end), ``fr_FR``
    (the locale) or ``en``. In this process (click's runner, the real commands and error handling: a run costs
    milliseconds, not an interpreter's start), or in a subprocess as a shell runs it."""
    environ = {"TZ": "UTC", "SCELLE_PASSPHRASE": "sweep", "LANG": "fr_FR.UTF-8" if how == "fr_FR" else "C.UTF-8"}
    environ |= env or {}
    wanted = ["--lang", "fr"] if how == "--lang fr" else []
    argv = [
        part
        for arg in (args if "{lang}" in args else [*args, "{lang}"])
        for part in (wanted if arg == "{lang}" else [arg])
    ]
    if subprocess_run:
        full = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "SCELLE_LANG")} | environ
        command = [sys.executable, "-m", "cli", *argv]
        return subprocess.run(command, cwd=cwd, env=full, capture_output=True, text=True, check=False)
    from click.testing import CliRunner

    from cli.main import cli

    unset: dict[str, str | None] = {"LC_ALL": None, "LC_MESSAGES": None, "SCELLE_LANG": None}
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, argv, env={**unset, **environ}, prog_name="scelle")
    finally:
        os.chdir(before)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback a user would see
    return subprocess.CompletedProcess(argv, result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder: an acquired raw image and its record, a changed copy, a cut E01, keys, a ledger with an
    authority and an event, a hash list."""
    work = tmp_path_factory.mktemp("sweep")
    run = lambda *args: scelle(list(args), "en", work)  # noqa: E731
    assert run("acquire", str(GENERATED / "ext4.raw"), "disk.raw", "--quiet").returncode == 0
    (work / "changed").mkdir()
    for name in ("disk.raw", "disk.raw.acquisition.json"):
        shutil.copy(work / name, work / "changed" / name)
    with open(work / "changed/disk.raw", "r+b") as image:
        image.seek(5000)
        image.write(b"X")
    shutil.copy(GENERATED / "ext4.raw", work / "alone.raw")
    (work / "cut.E01").write_bytes((IMAGES / "e01-rs/image.E01").read_bytes()[:700_000])
    for name, role in (("amina", "examiner"), ("ledger", "ledger")):
        made = run("custody", "key", "new", "--name", f"sweep/{name}", "--role", role, "--org", "DGSN Rabat",
                   "--country", "MA", "--out", f"{name}.key")  # fmt: skip
        assert made.returncode == 0, made.stderr
    assert run("custody", "key", "show", "ledger.key", "--public", "--out", "ledger.pub").returncode == 0
    created = run("custody", "init", "case.ledger", "--case", "MA-1", "--origin", "sweep/MA-1", "--key", "ledger.key")
    assert created.returncode == 0, created.stderr
    authority = ["custody", "authority", "add", "case.ledger", "--key", "amina.key", "--instrument", "domestic-order",
                 "--issuing-state", "MA", "--issuing-authority", "TPI Rabat", "--reference", "TPI-1", "--issued",
                 "2026-01-01", "--valid-until", "2099-12-31", "--offence", "fraude", "--scope", "content",
                 "--identifier", "x"]  # fmt: skip
    added = run(*authority)
    assert added.returncode == 0, added.stderr
    recorded = run("custody", "record", "case.ledger", "--key", "amina.key", "--action", "seized", "--artefact",
                   "disk.raw", "--authority", "TPI-1", "--seal", "SC-17", "--location", "Rabat")  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    second = ["TPI-2" if arg == "TPI-1" else arg for arg in authority]  # another order, revoked: `show` states it
    assert run(*second).returncode == 0
    revoked = run("custody", "authority", "revoke", "case.ledger", "TPI-2", "--key", "amina.key", "--by", "TPI Rabat")
    assert revoked.returncode == 0, revoked.stderr
    (work / "set.txt").write_text("d41d8cd98f00b204e9800998ecf8427e\n", encoding="ascii")
    (work / "store").mkdir()
    for name in ("disk.raw", "disk.raw.acquisition.json"):
        shutil.copy(work / name, work / "store" / name)
    shutil.copy(IMAGES / "e01-rs/bad_chunk.E01", work / "store/bad_chunk.E01")
    shutil.copy(GENERATED / "ext4.raw", work / "store/alone.raw")
    assert run("image", "extract", "disk.raw", "--out", "ex", "--quiet").returncode == 0
    return work


@pytest.fixture(scope="module")
@runs_tools
def luks(world: Path) -> Path:
    """A LUKS1 volume holding the ext4 fixture, made by qemu-img, in the working folder; its key file beside it."""
    (world / "luks.secret").write_bytes(b"sweep-secret")
    secret = f"secret,id=s0,file={world / 'luks.secret'}"
    return qemu_luks(GENERATED / "ext4.raw", world / "disk.luks", secret)


def _vdisks() -> dict[str, list[str]]:
    kinds = ("ext4.vmdk", "ext4.vhd", "ext4-v2.qcow2")  # one of each virtual disk format
    return {f"info {name}": ["image", "info", str(FIXTURES / "vdisk" / name)] for name in kinds}


#: name -> (command line, exit code, whether its stdout is data rather than text for a person)
RUNS: dict[str, tuple[list[str], int, bool]] = {
    "info raw": (["image", "info", str(GENERATED / "ext4.raw")], 0, False),
    "info split": (["image", "info", str(GENERATED / "mbr_extended.001")], 0, False),
    "info E01 partitioned": (["image", "info", str(GENERATED / "mbr_extended.E01")], 0, False),
    "info gpt": (["image", "info", str(GENERATED / "gpt512.raw")], 0, False),
    "info Ex01": (["image", "info", str(FIXTURES / "ewf2/ext4.Ex01")], 0, False),
    "info APFS": (["image", "info", str(IMAGES / "dfvfs/apfs.raw")], 0, False),
    "info no fs (TSK's words)": (["image", "info", str(IMAGES / "e01-rs/image.E01")], 0, False),
    **{name: (args, 0, False) for name, args in _vdisks().items()},
    "info missing": (["image", "info", "nowhere.raw"], 1, False),
    "info directory": (["image", "info", "changed"], 1, False),
    "ls no fs": (["image", "ls", str(IMAGES / "e01-rs/image.E01")], 1, True),
    "verify match": (["verify", "disk.raw"], 0, False),
    "verify E01": (["verify", str(GENERATED / "mbr_extended.E01")], 0, False),
    "verify changed byte": (["verify", "changed/disk.raw"], 3, False),
    "verify damaged chunk": (["verify", str(IMAGES / "e01-rs/bad_chunk.E01")], 3, False),
    "verify cut E01": (["verify", "cut.E01"], 3, False),
    "verify missing record": (["verify", "alone.raw"], 1, False),
    "verify expect": (["verify", "alone.raw", "--expect", "sha256:" + "0" * 64], 3, False),
    "key show": (["custody", "key", "show", "amina.key"], 0, False),
    "key show missing": (["custody", "key", "show", "nobody.key"], 1, False),
    "key new exists": (
        "custody key new --name x --role examiner --org o --country MA --out amina.key".split(),
        1,
        False,
    ),
    "key show --public without --out": (["custody", "key", "show", "amina.key", "--public"], 1, False),
    "show": (["custody", "show", "case.ledger"], 0, False),
    "show missing": (["custody", "show", "nowhere.ledger"], 1, False),
    "checkpoint": (["custody", "checkpoint", "case.ledger"], 0, True),
    "prove no entry": (["custody", "prove", "case.ledger", "--event", "ev-none"], 1, False),
    "verify ledger": (["custody", "verify", "case.ledger", "--trust", "ledger.pub"], 0, False),
    "verify ledger untrusted": (["custody", "verify", "case.ledger"], 2, False),
    "record wrong passphrase": (
        "custody record case.ledger --key amina.key --action sealed --artefact disk.raw --authority TPI-1".split(),
        1,
        False,
    ),
    "hashset index": (["hashset", "index", "set.txt", "--out", "{tmp}/set.idx"], 0, False),
    "hashset index exists": (["hashset", "index", "set.txt", "--out", "amina.key"], 2, False),
    "usage: no such option": (["image", "info", "--bogus", "disk.raw"], 2, False),
    "usage: missing argument": (["image", "info"], 2, False),
    "usage: unknown command": (["imag"], 2, False),
    "usage: bad integer": (["image", "ls", "disk.raw", "-p", "abc"], 2, False),
    "usage: bad choice": (["acquire", "disk.raw", "{tmp}/out.raw", "--format", "zip"], 2, False),
    "usage: out of range": (["custody", "prove", "case.ledger", "--consistency-from", "0"], 2, False),
    "usage: missing option": (["custody", "key", "new", "--name", "x"], 2, False),
    "usage: needs a value": (["image", "info", "disk.raw", "{lang}", "--tz"], 2, False),
    "usage: exclusive": (["image", "cat", "disk.raw"], 2, False),
    "extract into a used folder": (["image", "extract", "disk.raw", "--out", "ex"], 1, False),
    "acquire E01 and verify": (
        ["acquire", str(GENERATED / "ext4.raw"), "{tmp}/a.E01", "--format", "e01", "--verify", "--quiet"],
        0,
        False,
    ),
    "acquire into a missing folder": (["acquire", "disk.raw", "{tmp}/nowhere/a.raw"], 1, False),
    "acquire missing source": (["acquire", "nowhere.raw", "{tmp}/out.raw"], 1, False),
    "acquire over an image": (["acquire", str(GENERATED / "ext4.raw"), "disk.raw"], 1, False),
    "record unknown authority": (
        "custody record case.ledger --key amina.key --action sealed --artefact disk.raw --authority TPI-404".split(),
        1,
        False,
    ),
    "key new bad country": (
        "custody key new --name x --role examiner --org o --country ZZ --out {tmp}/x.key".split(),
        1,
        False,
    ),
    "ls no partition": (["image", "ls", "disk.raw", "-p", "3"], 1, True),
    "cat no entry": (["image", "cat", "disk.raw", "--path", "/nowhere"], 1, True),
}
#: `image info` on a LUKS volume: locked (a warning), unlocked (a notice), with a wrong key file
LUKS_RUNS: dict[str, tuple[list[str], int, bool]] = {
    "info LUKS locked": (["image", "info", "disk.luks"], 0, False),
    "info LUKS unlocked": (["image", "info", "disk.luks", "--unlock", "keyfile:luks.secret"], 0, False),
    "info LUKS wrong secret": (["image", "info", "disk.luks", "--unlock", "keyfile:set.txt"], 1, False),
}
#: runs made with another passphrase than the keys'
WRONG_PASSPHRASE = {"record wrong passphrase"}


def _run(world: Path, name: str, how: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], bool]:
    args, code, data = {**RUNS, **LUKS_RUNS}[name]
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]
    env = {"SCELLE_PASSPHRASE": "wrong"} if name in WRONG_PASSPHRASE else None
    done = scelle(args, how, world, env)
    assert done.returncode == code, (name, how, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Usage:" not in done.stderr, done.stderr
    return done, data


def _shown(done: subprocess.CompletedProcess[str], data: bool) -> list[str]:
    lines = done.stderr.splitlines() + ([] if data else done.stdout.splitlines())
    # a progress status line starts with its time stamp; its words are checked by the progress tests
    return [line.split(" scelle: ", 1)[-1] if re.match(r"^\d{4}-\d\d-\d\dT", line) else line for line in lines]


#: words a French run must print (it says something, and in French), for some of the runs
SAID_IN_FRENCH = {
    "info E01 partitioned": "empreinte md5 conservée :",
    "info raw": "volumes : aucune table de partitions",
    "verify changed byte": "DISCORDANCE",
    "verify cut E01": "segment EWF tronqué",
    "key show": "empreinte : sha256:",
    "show": "révocation de au-",
    "record wrong passphrase": "phrase secrète erronée",
    "usage: no such option": "option inconnue : --bogus",
    "usage: bad integer": "n'est pas un nombre entier",
    "acquire missing source": "fichier ou répertoire introuvable",
}


@pytest.mark.parametrize("how", ["--lang fr", "fr_FR"])
@pytest.mark.parametrize("name", list(RUNS))
def test_every_command_speaks_french_when_asked(world: Path, name: str, how: str, tmp_path: Path) -> None:
    done, data = _run(world, name, how, tmp_path)
    shown = _shown(done, data)
    assert shown or data, (name, "nothing printed")
    assert SAID_IN_FRENCH.get(name, "") in "\n".join(shown), (name, shown)
    for line in shown:
        assert not ENGLISH.search(_sentences(line)), (name, how, line)


@pytest.mark.parametrize("how", ["--lang fr", "fr_FR", "en"])
@pytest.mark.parametrize("name", list(LUKS_RUNS))
def test_a_luks_volume_is_described_in_the_language_asked_for(
    world: Path, luks: Path, name: str, how: str, tmp_path: Path
) -> None:
    done, data = _run(world, name, how, tmp_path)
    (_check_english if how == "en" else _check_french)(_shown(done, data), name)
    assert "LUKS" in done.stdout + done.stderr


def _check_english(lines: list[str], name: str) -> None:
    for line in lines:
        assert not FRENCH.search(_sentences(line)), (name, line)


#: runs that show free text recorded in French (case data of an E01, a GPT partition's name) are left out
ENGLISH_RUNS = [name for name in RUNS if name not in ("info E01 partitioned", "info gpt")]


@pytest.mark.parametrize("name", ENGLISH_RUNS)
def test_english_output_has_no_french(world: Path, name: str, tmp_path: Path) -> None:
    done, data = _run(world, name, "en", tmp_path)
    _check_english(_shown(done, data), name)


@pytest.mark.parametrize("how", ["--lang fr", "fr_FR", "en"])
def test_batch_verify_speaks_the_language_asked_for(world: Path, how: str) -> None:
    done = scelle(["batch", "verify", "store", "--workers", "1", "--quiet"], how, world, subprocess_run=True)
    assert done.returncode == 3, done.stderr
    lines = _shown(done, False)
    check: Callable[[list[str], str], None] = _check_english
    if how != "en":
        assert "3 images : 1 vérifiée, 1 non conforme, 1 impossible à vérifier" in lines, lines
        check = _check_french
    else:
        assert "3 images: 1 verified, 1 mismatched, 1 could not be verified" in lines, lines
    check(lines, "batch verify")


def _check_french(lines: list[str], name: str) -> None:
    for line in lines:
        assert not ENGLISH.search(_sentences(line)), (name, line)
