"""The JSON form of every record a ledger entry holds, as data the report page checks entries against.

The page's verifier (``verifier.js``) reads entries as strictly as ``custody.model`` does: no member missing, none
unknown, each of the right type. Rather than a second, hand-written list of members and types in JavaScript, the
form is derived here from the records themselves (their dataclass fields and type hints, the names ``to_json``
writes) and travels in the page's data block; one generic function of the page checks any object against it.

A type is a record's class name, or a scalar: ``text`` (a non-empty string), ``int`` (an integer, not negative),
``flag`` (true or false), ``time`` (a UTC time as stored), ``b64`` (canonical base64) or ``map`` (an object of
strings); ``T[]`` is a list of ``T``; ``T?`` may also be null or absent, as the records' readers take a member with
a default (``custody.model.fields.Fields``: absent reads as null, an empty list or false).
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Union, get_args, get_origin, get_type_hints

from custody.bundle.format import BUNDLE_FORMAT, BUNDLE_VERSION, Bundle, BundleEntry
from custody.model.entries import BODY_TYPES, LEAF_MEMBERS
from custody.model.records import Signature

SCALARS: dict[Any, str] = {str: "text", int: "int", bool: "flag", datetime: "time", bytes: "b64"}
"""The Python types of record fields and the names the page's checker knows them by."""


def record_forms() -> dict[str, Any]:
    """``{"bodies": {kind: record}, "records": {record: {member: type}}}``: each entry kind's body record, and the
    form of every record reachable from them and from a signature, members in the order of the record's fields."""
    records: dict[str, dict[str, str]] = {}
    for cls in (*BODY_TYPES.values(), Signature):
        _add(cls, records)
    return {"bodies": {kind: cls.__name__ for kind, cls in BODY_TYPES.items()}, "records": records}


def bundle_members() -> dict[str, Any]:
    """The members of a bundle file (``custody.bundle.format``): its format and version, those it always has (the
    fields of ``Bundle`` without a default, and ``format`` and ``version``), those it may have (``linked``,
    ``timestamps``), and the members of each of its entries and of their leaves. Bundle entries and leaves are read
    by the page's own code (sorted selection, proof hashes, canonical leaf bytes), not by the generic checker."""
    fields = _fields(Bundle)
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "required": sorted([f.name for f in fields if not _defaulted(f)] + ["format", "version"]),
        "optional": sorted(f.name for f in fields if _defaulted(f)),
        "entry": [f.name for f in _fields(BundleEntry)],
        "leaf": sorted(LEAF_MEMBERS),
    }


def _fields(cls: Any) -> list[dataclasses.Field[Any]]:
    """The fields a record is built from, which its ``to_json`` writes under the same names (not one set after
    construction, such as ``BundleEntry.form``, a reading aid)."""
    return [field for field in dataclasses.fields(cls) if field.init]


def _defaulted(field: dataclasses.Field[Any]) -> bool:
    """Whether a record's reader takes the member as absent (the field has a default)."""
    return field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING


def _add(cls: Any, records: dict[str, dict[str, str]]) -> str:
    """Add the form of the record ``cls`` (and of the records its fields hold) to ``records``; its name."""
    name: str = cls.__name__
    if name in records:
        return name
    records[name] = form = {}
    hints = get_type_hints(cls)
    for field in _fields(cls):
        kind = _type(hints[field.name], records)
        form[field.name] = kind + "?" if _defaulted(field) and not kind.endswith("?") else kind
    return name


def _type(hint: Any, records: dict[str, dict[str, str]]) -> str:
    """The page's name of the type ``hint`` (see the module docstring)."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        (inner,) = (arg for arg in args if arg is not type(None))  # T | None
        return _type(inner, records) + "?"
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _type(args[0], records) + "[]"
    if origin is not None and issubclass(origin, Mapping) and args == (str, str):
        return "map"
    if hint in SCALARS:
        return SCALARS[hint]
    if dataclasses.is_dataclass(hint):
        return _add(hint, records)
    raise TypeError(f"no page form for a record field of type {hint!r}")  # a new kind of field: teach the page
