"""Digests a person gives (``verify --expect sha256:HEX``, copied from a seizure form): parsed and checked here.

A value is ``ALGORITHM:HEX`` with one of the algorithms scelle computes and exactly the hex length of that
algorithm's digest, so a digit dropped or doubled when a hash is typed from paper is reported at once, not after
hours of hashing as a mismatch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from evidence.common.errors import UsageError
from evidence.hashing.result import ALGORITHMS

#: hex digits of each algorithm's digest
HEX_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "blake3": 64}
_HEX = re.compile(r"[0-9a-fA-F]+")


def parse_expected(values: Iterable[str], *, option: str = "--expect") -> dict[str, str]:
    """``{"sha256": "ab…"}`` from ``["sha256:AB…"]``; the same algorithm twice must give the same value."""
    expected: dict[str, str] = {}
    for value in values:
        name, sep, digest = value.strip().partition(":")
        name = name.lower().replace("-", "")
        if not sep or name not in ALGORITHMS:
            raise UsageError(
                f"{option} {value!r}: expected ALGORITHM:HEX with ALGORITHM one of {', '.join(ALGORITHMS)}"
            )
        digest = digest.strip()
        if not _HEX.fullmatch(digest) or len(digest) != HEX_LENGTHS[name]:
            raise UsageError(
                f"{option} {value!r}: a {name} digest is {HEX_LENGTHS[name]} hexadecimal digits, got {len(digest)}"
            )
        if expected.get(name, digest.lower()) != digest.lower():
            raise UsageError(f"{option}: two different {name} values given")
        expected[name] = digest.lower()
    return expected
