"""Images made once per test session for the evidence tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.evidence.support.craft import ext_image
from tests.support.tools import runs_tools

ODD_NAMES = [
    b"\xff\xfe.bin",  # not UTF-8
    "ملف.txt".encode(),  # Arabic
    "résumé.txt".encode(),
    b"a\x01b.txt",  # control character
    b"x" * 255,  # longest ext name
    b"back\\slash",
]


@pytest.fixture(scope="session")
@runs_tools
def odd_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ext4 image whose names are not all UTF-8 or printable, with a directory and a symbolic link."""
    directory = tmp_path_factory.mktemp("odd")
    tree = directory / "tree"
    tree.mkdir()
    for name in ODD_NAMES:
        with open(os.path.join(bytes(tree), name), "wb") as handle:
            handle.write(b"content of " + name)
    os.mkdir(os.path.join(bytes(tree), b"dir\xe9"))
    with open(os.path.join(bytes(tree), b"dir\xe9", b"inner.txt"), "wb") as handle:
        handle.write(b"inner")
    os.symlink(b"/etc/passwd", os.path.join(bytes(tree), b"link"))
    return ext_image(directory / "odd.img", tree)
