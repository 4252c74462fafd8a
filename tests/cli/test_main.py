"""The top-level command: help, version, and the error mapping every command relies on."""

from __future__ import annotations

import errno
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import EXIT_BROKEN_PIPE, cli, keep_heap_slack, os_error_message
from tests.evidence.support.craft import ext_image
from tests.evidence.support.images import IMAGES
from tests.support.tools import runs_tools, tool

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_the_command_groups() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("image", "acquire", "verify", "custody"):
        assert name in result.output


def test_runs_as_a_module_without_installation() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "--version"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "scelle" in proc.stdout


# -- the heap: freed buffers stay in it (glibc) -------------------------------------------------------------------


class _FakeLibc:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def mallopt(self, parameter: int, value: int) -> int:
        self.calls.append((parameter, value))
        return 1


def _libc(monkeypatch: pytest.MonkeyPatch, libc_version: str | None) -> _FakeLibc:
    import ctypes

    fake = _FakeLibc()
    monkeypatch.setattr(ctypes, "CDLL", lambda _name: fake)
    if libc_version is None:
        monkeypatch.delattr(os, "confstr", raising=False)
    else:
        monkeypatch.setattr(os, "confstr", lambda _name: libc_version)
    for name in [name for name in os.environ if name.startswith("MALLOC_")]:
        monkeypatch.delenv(name)
    return fake


def test_on_glibc_freed_buffers_stay_in_the_heap(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _libc(monkeypatch, "glibc 2.36")
    keep_heap_slack()
    assert fake.calls == [(-2, 64 << 20), (-3, 32 << 20)]  # M_TOP_PAD, M_MMAP_THRESHOLD


@pytest.mark.parametrize("libc_version", [None, "musl", ""])
def test_other_c_libraries_are_left_alone(monkeypatch: pytest.MonkeyPatch, libc_version: str | None) -> None:
    fake = _libc(monkeypatch, libc_version)
    keep_heap_slack()
    assert fake.calls == []


def test_glibc_switches_in_the_environment_win(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _libc(monkeypatch, "glibc 2.36")
    monkeypatch.setenv("MALLOC_TOP_PAD_", "0")
    keep_heap_slack()
    assert fake.calls == []


# -- start-up: a command imports only what it uses -------------------------------------------------------------

NEVER_FOR_IMAGE_LS = {
    "rich",
    "cryptography",
    "custody",
    "cli.custody.group",
    "cli.acquire",
    "cli.verify",
    "evidence.reading.extract",
    "evidence.common.canonical",
}


#: runs the real entry point, then lists ``sys.modules`` on stderr (stdout is the command's)
PROBE = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n"))
sys.argv = ["scelle", *sys.argv[1:]]
from cli.main import main
main()
"""


def imported_by(*args: str) -> set[str]:
    """Every module a ``scelle`` process has imported when it ends."""
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return set(proc.stderr.rsplit("MODULES ", 1)[1].split())


def test_image_ls_of_a_raw_image_imports_neither_libewf_nor_the_other_commands() -> None:
    modules = imported_by("image", "ls", "--hash", "--json", "--quiet", str(IMAGES / "pytsk/image.raw"))
    assert {"click", "pytsk3", "blake3", "cli.image"} <= modules  # the listing really ran
    top = {name.split(".")[0] for name in modules}
    assert not (modules | top) & NEVER_FOR_IMAGE_LS
    assert not modules & {"pyewf", "evidence.sources.ewf", "evidence.ewf.layout"}


def test_image_ls_hash_progress_loads_only_the_message_catalogue() -> None:
    modules = imported_by("image", "ls", "--hash", "--json", str(IMAGES / "pytsk/image.raw"))  # stderr: a pipe
    assert "cli.progress" in modules
    custody = {name for name in modules if name.split(".")[0] == "custody"}
    assert custody <= {"custody", "custody.errors"} | {n for n in custody if n.startswith("custody.i18n")}
    assert not modules & (NEVER_FOR_IMAGE_LS - {"custody"})


#: the read-once hashing pipeline: `image hash`, `acquire` and `verify` use it, a listing (even with --hash) does not
ACQUISITION_PIPELINE = {"evidence.hashing.streams", "evidence.hashing.pipeline"}


@pytest.mark.parametrize("image", ["pytsk/image.raw", "sleuthkit/image.E01"])
def test_image_ls_hash_does_not_load_the_acquisition_pipeline(image: str) -> None:
    modules = imported_by("image", "ls", "--hash", str(IMAGES / image))
    assert "evidence.hashing.files" in modules
    assert not modules & ACQUISITION_PIPELINE
    assert "evidence.hashing.digest" not in modules  # a listing hashes with hashlib and blake3 themselves
    assert "evidence.reading.describe" not in modules  # image info's records


def test_image_hash_loads_the_acquisition_pipeline() -> None:
    modules = imported_by("image", "hash", str(IMAGES / "pytsk/image.raw"))
    assert ACQUISITION_PIPELINE <= modules
    assert not {name for name in modules if name.startswith("evidence.acquisition")}  # hashing is not acquisition


def test_an_ewf_image_loads_libewf() -> None:
    modules = imported_by("image", "ls", str(IMAGES / "sleuthkit/image.E01"))
    assert {"pyewf", "evidence.sources.ewf"} <= modules
    assert not modules & NEVER_FOR_IMAGE_LS


def test_help_imports_the_groups_it_lists() -> None:
    modules = imported_by("--help")
    assert {"cli.image", "cli.acquire", "cli.verify", "cli.custody.group"} <= modules


# -- stdout that goes away or fills up ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
@runs_tools
def many_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ext4 image whose ``image ls --json`` output (about 400 KB) is far larger than a pipe's buffer."""
    directory = tmp_path_factory.mktemp("many")
    tree = directory / "tree"
    tree.mkdir()
    for index in range(1500):
        (tree / f"file-{index:04d}.txt").write_bytes(b"")
    (tree / "big.bin").write_bytes(bytes(range(256)) * 8192)  # 2 MiB, for `image cat`
    return ext_image(directory / "many.img", tree, size="16M")


def environment(buffered: bool) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    return env if buffered else {**env, "PYTHONUNBUFFERED": "1"}


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("command", [["ls", "--json"], ["cat", "--path", "big.bin"]], ids=["ls", "cat"])
def test_a_reader_that_stops_early_ends_scelle_quietly_with_141(
    many_files: Path, command: list[str], buffered: bool
) -> None:
    head = tool("head")
    scelle = shlex.join([sys.executable, "-m", "cli", "image", command[0], str(many_files), *command[1:]])
    proc = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {scelle} 2>stderr.txt | {shlex.quote(head)} -c 100 >/dev/null"],
        cwd=many_files.parent,
        env={**environment(buffered), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        check=False,
    )
    assert proc.returncode == EXIT_BROKEN_PIPE == 141
    assert (many_files.parent / "stderr.txt").read_bytes() == b""


def test_a_closed_pipe_is_seen_after_the_first_line(many_files: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "cli", "image", "ls", "--json", str(many_files)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = json.loads(proc.stdout.readline())
        proc.stdout.close()
        stderr = proc.stderr.read()
    assert first["path"] == "lost+found"
    assert (proc.returncode, stderr) == (141, b"")


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("image", ["pytsk/image.raw", "many"])
def test_a_full_disk_is_one_line_without_a_doubled_colon(many_files: Path, image: str, buffered: bool) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full not available")
    path = many_files if image == "many" else IMAGES / image
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "cli", "image", "ls", "--json", str(path)],
            cwd=ROOT,
            env=environment(buffered),
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert (proc.returncode, proc.stderr) == (1, b"scelle: error: No space left on device\n")


def test_os_error_message_names_the_file_only_when_there_is_one() -> None:
    assert os_error_message(OSError(errno.ENOSPC, "No space left on device")) == (
        "scelle: error: No space left on device"
    )
    assert os_error_message(OSError(errno.EACCES, "Permission denied", "/evidence/out.E01")) == (
        "scelle: error: /evidence/out.E01: Permission denied"
    )


# -- IMAGE arguments: the library reports a bad path in one line -------------------------------------------------


@pytest.mark.parametrize("args", [["info"], ["ls"], ["hash"], ["cat", "--inode", "2"], ["extract", "--out", "unused"]])
def test_a_directory_given_as_image_is_one_line_from_the_library(tmp_path: Path, args: list[str]) -> None:
    command, *options = args
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "image", command, str(tmp_path), *options],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.decode() == f"scelle: error: {tmp_path}: is a directory, not an image\n"
