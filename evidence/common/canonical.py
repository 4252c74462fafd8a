"""RFC 8785 JSON Canonicalization Scheme (JCS), restricted to the values scelle stores.

Everything that is hashed or signed (acquisition records, custody events, authorities, bundles) is encoded here, so
one object has exactly one byte representation. Floats are refused (DESIGN.md: integers and strings only), and so
are integers outside the IEEE-754 safe range, which a JCS implementation in another language could not round-trip.
``evidence.common.canonical`` re-exports this module: it lives in ``evidence`` because ``evidence`` may not import
``custody``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from evidence.common.errors import UsageError

MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalError(UsageError):
    """A value cannot be encoded canonically (float, huge integer, lone surrogate, non-string key)."""

    kind = "error.kind.canonical"


def _utf16_key(name: str) -> list[int]:
    # RFC 8785 §3.2.3: members are sorted by the UTF-16 code units of their names, not by code points.
    raw = name.encode("utf-16-be", "surrogatepass")
    return [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]


def _string(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalError(f"string is not valid Unicode (lone surrogate): {value!r}") from exc
    # json.dumps with ensure_ascii=False escapes exactly what ECMAScript JSON.stringify escapes: '"', '\\', the
    # two-character forms \b \f \n \r \t and other C0 controls as lower-case \u00xx (RFC 8785 §3.2.2.2).
    return json.dumps(value, ensure_ascii=False)


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalError(f"integer {value} is outside the interoperable range ±(2**53-1); use a string")
        out.append(str(value))
    elif isinstance(value, float):
        raise CanonicalError(f"floats are not allowed in canonical records: {value!r}")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalError(f"object keys must be strings, got {type(key).__name__}")
        out.append("{")
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray | memoryview):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise CanonicalError(f"cannot encode {type(value).__name__} canonically")


def encode(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 bytes of a JSON-compatible value (dict, list, str, int, bool, None)."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("utf-8")


def _no_float(text: str) -> Any:
    raise CanonicalError(f"floats are not allowed in canonical records: {text}")


def _no_constant(text: str) -> Any:
    raise CanonicalError(f"{text} is not valid JSON")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, val in pairs:
        if key in result:
            raise CanonicalError(f"duplicate member name {key!r}")
        result[key] = val
    return result


_DECODER = json.JSONDecoder(parse_float=_no_float, parse_constant=_no_constant, object_pairs_hook=_unique)


def decode(data: bytes | str) -> Any:
    """Parse JSON, refusing floats, NaN/Infinity and duplicate member names (which JCS cannot represent)."""
    try:
        return json.loads(data, parse_float=_no_float, parse_constant=_no_constant, object_pairs_hook=_unique)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, CanonicalError):
            raise
        raise CanonicalError(f"not valid JSON: {exc}") from exc


def decode_prefix(text: str, start: int) -> tuple[Any, int]:
    """The one JSON value that starts at ``text[start]`` (no whitespace before it) and where it ends, parsed as
    ``decode`` parses: for a reader that walks a large document value by value (``custody.bundle.stream``)."""
    try:
        return _DECODER.raw_decode(text, start)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, CanonicalError):
            raise
        raise CanonicalError(f"not valid JSON: {exc}") from exc


def is_canonical(data: bytes) -> bool:
    """True when ``data`` is exactly the canonical encoding of what it parses to."""
    try:
        return encode(decode(data)) == data
    except CanonicalError:
        return False
