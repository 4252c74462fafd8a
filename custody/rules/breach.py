"""A broken rule as data: a message code of ``custody.i18n.FINDINGS``, its parameters, and the reasons under it.

Every rule of ``custody.rules`` reports what is wrong this way rather than as an English sentence, so that the same
finding reads in French in a French report, on the command line with ``--lang fr`` and in a refusal, and in English
elsewhere. ``parts`` are the findings a finding rests on (why each authority an event cites fails to cover it): they
are stated, in the same language, in the ``{detail}`` of the finding's sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from custody import i18n
from custody.errors import AuthorityError
from custody.i18n.words import SEMICOLON


@dataclass(frozen=True, slots=True)
class Breach:
    """One broken rule: a message code of ``custody.i18n.FINDINGS``, its parameters, and the findings under it."""

    code: str
    params: Mapping[str, str]
    parts: tuple[Breach, ...] = ()

    def text(self, lang: str = "en", zone: str | None = None) -> str:
        """The sentence saying what is wrong, in ``lang`` (the ``parts`` in its ``{detail}``); with ``zone``, its
        times are shown in that zone with their offset (else as stored, in UTC)."""
        params = self.params
        if self.parts:
            sep = " | " if any(part.parts for part in self.parts) else i18n.pick(SEMICOLON, lang)
            params = {**params, "detail": sep.join(part.text(lang, zone) for part in self.parts)}
        return i18n.finding(self.code, params, lang, zone)

    def to_json(self) -> dict[str, Any]:
        """``{"code", "params", "parts"}`` for JSON output."""
        return {"code": self.code, "params": dict(self.params), "parts": [part.to_json() for part in self.parts]}

    def __str__(self) -> str:
        return self.text()


def breach(code: str, *parts: Breach, **params: object) -> Breach:
    """A ``Breach`` of ``code`` with its parameters as text and the findings it rests on."""
    return Breach(code, MappingProxyType({name: str(value) for name, value in params.items()}), tuple(parts))


class RecordRefusedError(AuthorityError):
    """The ledger refused an authority record or a change to one: ``refusal`` says which and why (its parts);
    ``localised`` states it in another language."""

    def __init__(self, refusal: Breach, *, lang: str = "en", zone: str | None = None) -> None:
        self.refusal = refusal
        super().__init__(refusal.text(lang, zone))

    @property
    def breaches(self) -> tuple[Breach, ...]:
        """The rules the record breaks."""
        return self.refusal.parts

    def localised(
        self, lang: str, *, options: Mapping[str, str] | None = None, zone: str | None = None
    ) -> RecordRefusedError:
        """The same refusal stated in ``lang``, its times in ``zone`` when given; with ``options`` (a field's path ->
        the option that gives it, on a command line), each missing field is named with its option."""
        refusal = self.refusal
        if options:
            parts = tuple(
                breach("instrument.option", **part.params, option=options[part.params["field"]])
                if part.code == "instrument.required" and part.params.get("field") in options
                else part
                for part in refusal.parts
            )
            refusal = Breach(refusal.code, refusal.params, parts)
        return type(self)(refusal, lang=lang, zone=zone)
