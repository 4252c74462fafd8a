"""Finding the segment files of a split image from its first segment, and refusing sets with holes.

Split raw names follow The Sleuth Kit's rules (``tsk_img_findFiles``), so scelle and ``fls``/``mmls`` see the same
set for the same first name:

* a zero-padded counter after ``.`` or ``_``: ``x.001 x.002 …`` (one-based) or ``x.000 x.001 …`` (zero-based), any
  width (``x.1``, ``x_0001``); FTK adds a digit past 999, which the counter allows;
* a letter counter after ``.``, ``_`` or ``x``: ``x.aa x.ab … x.az x.ba …`` (``split``'s ``xaa`` naming included).

TSK stops at the first missing name and silently opens a shorter image. scelle instead looks at the other files of
the directory: if a later segment of the same set exists beyond the gap, the set is incomplete and opening it is an
error, because a shorter image would hash, list and extract wrongly without any sign of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from evidence.common.errors import ImageError

#: gives the name of segment ``index`` (0 = the first segment), or None past the end of the counter
NamePattern = Callable[[int], str | None]


def _numeric_pattern(name: str) -> tuple[NamePattern, re.Pattern[str]] | None:
    match = re.fullmatch(r"(?s)(.*[._])(0*)([01])", name)
    if match is None:
        return None
    base, zeros, last = match.group(1), match.group(2), match.group(3)
    width = len(zeros) + 1
    first_number = int(last)

    def pattern(index: int) -> str:
        return f"{base}{index + first_number:0{width}d}"

    others = re.compile(re.escape(base) + rf"(\d{{{width},}})")
    return pattern, others


def _alpha_pattern(name: str) -> tuple[NamePattern, re.Pattern[str]] | None:
    match = re.fullmatch(r"(?s)(.*[._x])(a+)", name)
    if match is None:
        return None
    base, letters = match.group(1), match.group(2)
    width = len(letters)

    def pattern(index: int) -> str | None:
        if index >= 26**width:
            return None
        digits = []
        for _ in range(width):
            index, rest = divmod(index, 26)
            digits.append(chr(ord("a") + rest))
        return base + "".join(reversed(digits))

    others = re.compile(re.escape(base) + rf"([a-z]{{{width}}})")
    return pattern, others


def split_raw_pattern(name: str) -> tuple[NamePattern, Callable[[str], int | None]] | None:
    """Return the naming rule of a split raw set whose first segment is called ``name``, or None if it has none.

    The second value maps another file name to its segment index in the same set (None if it is not one).
    """
    numeric = _numeric_pattern(name)
    if numeric is not None:
        pattern, others = numeric
        first_number = int(name[-1])

        def numeric_index(other: str) -> int | None:
            found = others.fullmatch(other)
            return int(found.group(1)) - first_number if found else None

        return pattern, numeric_index
    alpha = _alpha_pattern(name)
    if alpha is not None:
        alpha_pattern, alpha_others = alpha

        def alpha_index(other: str) -> int | None:
            found = alpha_others.fullmatch(other)
            if found is None:
                return None
            index = 0
            for char in found.group(1):
                index = index * 26 + ord(char) - ord("a")
            return index

        return alpha_pattern, alpha_index
    return None


def _later_segments(directory: Path, index_of: Callable[[str], int | None], count: int) -> list[str]:
    try:
        names = [entry.name for entry in directory.iterdir()]
    except OSError:
        return []
    return sorted(name for name in names if (index := index_of(name)) is not None and index > count)


def find_split_segments(first: Path) -> list[Path]:
    """Return the segments of the split raw set starting at ``first`` (just ``[first]`` if its name has no counter).

    Raises ``ImageError`` when a segment is missing in the middle of the set (a later segment exists).
    """
    rule = split_raw_pattern(first.name)
    if rule is None:
        return [first]
    pattern, index_of = rule
    found = [first]
    while (name := pattern(len(found))) is not None and (candidate := first.with_name(name)).exists():
        found.append(candidate)
    later = _later_segments(first.parent, index_of, len(found))
    if later:
        missing = pattern(len(found))
        raise ImageError(
            f"{first.with_name(missing or '?')}: segment {len(found) + 1} of the split image is missing "
            f"(found {first.with_name(later[0])} after it)"
        )
    return found


def check_given_segments(paths: list[Path]) -> None:
    """Check that segments given explicitly follow their own naming counter without a hole.

    Names without a counter (``part-a.img part-b.img``) are taken in the order given.
    """
    rule = split_raw_pattern(paths[0].name)
    if rule is None:
        return
    pattern, index_of = rule
    for position, path in enumerate(paths):
        index = index_of(path.name)
        if index is None:
            continue
        if index != position or path.parent != paths[0].parent:
            expected = pattern(position)
            raise ImageError(
                f"{paths[0].with_name(expected or '?')}: segment {position + 1} of the split image is missing "
                f"or out of order (got {path})"
            )
