"""``Stated``: a text a message catalogue stated in a language (``evidence.common.messages.message``,
``custody.i18n.message``, ``custody.i18n.finding``). An error raised with such a text is already in the language the
command was asked to speak, so the command line states it as it is (``evidence.common.messages.error_text``)."""

from __future__ import annotations


class Stated(str):
    """A catalogue's text in one language (a ``str``; what is built from it by formatting is a plain ``str``)."""

    __slots__ = ()
