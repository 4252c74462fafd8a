"""An error of any kind of the error tree whose text comes from the evidence catalogue.

``said(VolumeError, "volume.none", ...)`` is a ``VolumeError`` (its exit code, its ``except`` clauses) that is also
a ``LocalisedError``: English as ``str``, any language through ``localised``. One class per kind, made once.
"""

from __future__ import annotations

from typing import TypeVar

from evidence.common.errors import EvidenceError
from evidence.common.messages import LocalisedError

E = TypeVar("E", bound=EvidenceError)


_KINDS: dict[type[EvidenceError], type[LocalisedError]] = {}


def _localised_kind(kind: type[EvidenceError]) -> type[LocalisedError]:
    made = _KINDS.get(kind)
    if made is None:
        made = type(f"Localised{kind.__name__}", (LocalisedError, kind), {"__doc__": f"A ``{kind.__name__}`` said."})
        _KINDS[kind] = made
    return made


def said(kind: type[E], code: str, **params: object) -> E:
    """An instance of ``kind`` stating the catalogue's ``code`` with ``params``."""
    error = _localised_kind(kind)(code, **params)
    assert isinstance(error, kind)  # noqa: S101 - made as a subclass of kind just above
    return error
