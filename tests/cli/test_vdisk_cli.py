"""Virtual disks through every command: ``image ls/hash/cat``, ``acquire`` (the media, recorded as such) and
``verify``, and a damaged container as one error line in English or French."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
VDISK = FIXTURES / "vdisk"
RAW = FIXTURES / "generated" / "ext4.raw"


def invoke(*args: str, lang: str = "en") -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"SCELLE_LANG": lang})
    return result.exit_code, result.stdout, result.stderr


def test_listing_hash_and_cat_match_the_raw_disk() -> None:
    for name in ("ext4-compressed.qcow2", "ext4.vmdk", "ext4-stream.vmdk"):
        image = str(VDISK / name)
        assert (
            invoke("image", "ls", "--json", "--hash", image)[:2]
            == invoke("image", "ls", "--json", "--hash", str(RAW))[:2]
        )
        assert invoke("image", "hash", image)[:2] == invoke("image", "hash", str(RAW))[:2]
    _code, out, _err = invoke("image", "ls", "--json", str(RAW))
    first_file = next(entry for line in out.splitlines() if (entry := json.loads(line))["type"] == "file")
    cat_args = ("image", "cat", "--inode", str(first_file["inode"]))
    assert invoke(*cat_args, str(VDISK / "ext4.vhd"))[:2] == invoke(*cat_args, str(RAW))[:2]


def test_acquire_from_a_virtual_disk_copies_its_media_and_says_so(tmp_path: Path) -> None:
    code, out, err = invoke("acquire", str(VDISK / "ext4-stream.vmdk"), str(tmp_path / "disk.raw"), "--json")
    assert code == 0, err
    record = json.loads(out)
    assert record["source"]["kind"] == "virtual-disk"
    assert record["source"]["container"].startswith("vmdk: media read through the container")
    assert (tmp_path / "disk.raw").read_bytes() == RAW.read_bytes()
    assert invoke("verify", str(tmp_path / "disk.raw"))[0] == 0


def test_a_backing_loop_is_one_line_in_english_and_in_french() -> None:
    for lang, words in (("en", "loops"), ("fr", "boucle")):
        code, _out, err = invoke("image", "info", str(VDISK / "loop-a.qcow2"), lang=lang)
        assert code == 1
        assert err.count("\n") == 1 and words in err and "Traceback" not in err


def test_image_messages_follow_the_locale_and_lang_beats_it(tmp_path: Path) -> None:
    # one order for every command: --lang given, else SCELLE_LANG, else the locale (as --lang defaults to it)
    cut = tmp_path / "cut.E01"
    cut.write_bytes(b"EVF")
    french = CliRunner(env={"LANG": "fr_MA.UTF-8"}).invoke(cli, ["image", "hash", str(cut)])
    english = CliRunner(env={"LANG": "fr_MA.UTF-8", "SCELLE_LANG": "en"}).invoke(cli, ["image", "hash", str(cut)])
    forced = CliRunner(env={"SCELLE_LANG": "en"}).invoke(cli, ["image", "hash", "--lang", "fr", str(cut)])
    assert french.exit_code == english.exit_code == forced.exit_code == 3  # a cut E01: damaged evidence
    assert french.output != english.output and french.output == forced.output
    assert english.output.startswith("scelle: error: ") and french.output.startswith("scelle: erreur : ")
