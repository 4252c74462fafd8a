"""RFC 8785 canonical JSON: the examples of the RFC and the refusals scelle adds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence.common import canonical
from evidence.common.canonical import CanonicalError


def test_members_sorted_by_utf16_code_units() -> None:
    # RFC 8785 §3.2.3 sorting example: U+1F600 (surrogate pair D83D DE00) sorts before U+FB33 in UTF-16
    # although it comes after it in code points.
    value = {"\ufb33": 1, "\U0001f600": 2, "\r": 3, "1": 4, "\u00e9": 5, "\u20ac": 6, "a": 7}
    encoded = canonical.encode(value).decode("utf-8")
    keys = [k for k in canonical.decode(encoded)]
    assert keys == ["\r", "1", "a", "\u00e9", "\u20ac", "\U0001f600", "\ufb33"]


def test_string_escaping_is_minimal() -> None:
    assert canonical.encode('\u20ac$\u000f\nA\'B"\\\\"/') == '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"'.encode()
    assert canonical.encode({"k": "é ع"}) == '{"k":"é ع"}'.encode()


def test_no_whitespace_and_literals() -> None:
    assert canonical.encode({"b": [1, True, None], "a": False}) == b'{"a":false,"b":[1,true,null]}'


@pytest.mark.parametrize("bad", [1.5, 2**53, -(2**53), {1: "x"}, "\ud800", b"bytes", object()])
def test_refuses_values_that_are_not_portable(bad: object) -> None:
    with pytest.raises(CanonicalError):
        canonical.encode(bad)


@pytest.mark.parametrize("text", ['{"a":1.0}', '{"a":1,"a":2}', "NaN", "{", '{"a":Infinity}'])
def test_decode_refuses(text: str) -> None:
    with pytest.raises(CanonicalError):
        canonical.decode(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_round_trip_is_stable(value: object) -> None:
    encoded = canonical.encode(value)
    assert canonical.decode(encoded) == value
    assert canonical.encode(canonical.decode(encoded)) == encoded
    assert canonical.is_canonical(encoded)
