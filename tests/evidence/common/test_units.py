"""Size parsing: one helper for every size option."""

from __future__ import annotations

import pytest

from evidence.common.errors import UsageError
from evidence.common.units import format_size, parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4096", 4096),
        ("650MB", 650_000_000),
        ("2GiB", 2 * 1024**3),
        ("1 kib", 1024),
        ("3k", 3000),
        ("1TiB", 1024**4),
        ("512b", 512),
    ],
)
def test_parse_size(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "GiB", "1.5GiB", "-1", "2 GiBs", "1e3", "0"])
def test_bad_sizes_are_usage_errors_naming_the_value(text: str) -> None:
    with pytest.raises(UsageError, match="bad --split"):
        parse_size(text, what="--split")


def test_format_size() -> None:
    assert format_size(512) == "512 B"
    assert format_size(3 * 1024**3 // 2) == "1.5 GiB"
