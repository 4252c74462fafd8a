"""Handler identity: who handled the evidence, in which role, for which organisation and country, with which key.

A custody record names each handler the way a chain-of-custody form does (ISO/IEC 27037: name, role,
organisation) plus the country (ISO 3166-1 alpha-2, for cross-border requests) and the fingerprint of the Ed25519
key that signs the handler's events, which is what ties the person to the signature.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from custody.errors import RecordError
from custody.i18n.said import SaidRecordError
from custody.model.countries import COUNTRIES
from custody.model.fields import check_line

_FINGERPRINT = re.compile(r"sha256:[0-9a-f]{64}")
_FIELDS = ("name", "role", "organisation", "country", "key_fingerprint")


def check_country(code: str) -> str:
    """Return ``code`` if it is an assigned ISO 3166-1 alpha-2 code (upper case); raise RecordError otherwise."""
    if not isinstance(code, str) or code.upper() not in COUNTRIES:
        raise SaidRecordError("country.unknown", value=repr(code))
    if code != code.upper():
        raise RecordError(f"country code {code!r} must be upper case ({code.upper()})")
    return code


@dataclass(frozen=True, slots=True, kw_only=True)
class Handler:
    """One person handling evidence, bound to the key that signs what they do."""

    name: str
    role: str
    organisation: str
    country: str
    key_fingerprint: str

    def __post_init__(self) -> None:
        check_line(self.name, "handler name")
        check_line(self.role, "handler role")
        check_line(self.organisation, "handler organisation")
        check_country(self.country)
        if not isinstance(self.key_fingerprint, str) or not _FINGERPRINT.fullmatch(self.key_fingerprint):
            raise RecordError(f"key fingerprint must be sha256:<64 hex digits>, got {self.key_fingerprint!r}")

    def to_json(self) -> dict[str, str]:
        """The JSON object of this record (canonically encoded by callers)."""
        return {field: getattr(self, field) for field in _FIELDS}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Handler:
        """Parse strictly: exactly the five fields, all strings."""
        if not isinstance(obj, Mapping):
            raise RecordError("handler must be a JSON object")
        if set(obj) != set(_FIELDS):
            missing = sorted(set(_FIELDS) - set(obj))
            extra = sorted(set(obj) - set(_FIELDS))
            raise RecordError(f"handler fields: missing {missing}, unexpected {extra}")
        for field in _FIELDS:
            if not isinstance(obj[field], str):
                raise RecordError(f"handler {field} must be a string")
        return cls(**{field: obj[field] for field in _FIELDS})
