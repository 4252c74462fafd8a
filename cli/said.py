"""A refusal of a custody command from the custody catalogue (``custody.i18n``), stated in the user's language.

The command line states an error once the command has ended (``cli.main``), in the language of the messages
(``--lang``, else the locale): such an error keeps its code and parameters and gives its text in any language
(``message_in``), as the image errors of the evidence catalogue do. A parameter that is itself a ``Notice`` (an
operating system's reason) is stated in the same language.
"""

from __future__ import annotations

from evidence.common.errors import UsageError
from evidence.common.messages import Notice


class SaidError(UsageError):
    """A ``UsageError`` (exit 1) whose text comes from the custody catalogue: English as ``str``."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message_in("en"))

    def message_in(self, lang: str) -> str:
        """The message in ``lang``."""
        from custody.i18n.messages import message

        return message(
            self.code, lang, **{k: v.text(lang) if isinstance(v, Notice) else v for k, v in self.params.items()}
        )
