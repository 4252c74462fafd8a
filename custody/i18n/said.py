"""A custody error whose text comes from the catalogue (``custody.i18n``), of any kind of the custody error tree.

Apart from ``custody.errors`` (which the catalogue itself imports): an error that states itself needs the
catalogue, so it lives beside it.
"""

from __future__ import annotations

from custody.errors import AuthorityError, CustodyError, KeyFileError, RecordError
from evidence.common.errors import UsageError


class SaidError(CustodyError):
    """A custody error whose text comes from the catalogue (``custody.i18n``): English as ``str``, any language
    through ``message_in`` (the command line states it in the user's language). A parameter that is a ``Notice``
    (an operating system's reason) is stated in the same language."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message_in("en"))

    def message_in(self, lang: str) -> str:
        """The message in ``lang``."""
        from custody.i18n.messages import message
        from evidence.common.messages import Notice

        said = {name: value.text(lang) if isinstance(value, Notice) else value for name, value in self.params.items()}
        return message(self.code, lang, **said)


class SaidKeyFileError(SaidError, KeyFileError):
    """A ``KeyFileError`` from the catalogue."""


class SaidRecordError(SaidError, RecordError):
    """A ``RecordError`` from the catalogue."""


class SaidAuthorityError(SaidError, AuthorityError):
    """An ``AuthorityError`` from the catalogue."""


class SaidUsageError(SaidError, UsageError):
    """A refusal of a custody command (a ``UsageError``, exit 1) from the catalogue."""
