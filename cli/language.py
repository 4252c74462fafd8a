"""The language of the image messages that exist in English and French (``evidence.common.messages``).

One order for every command: the command's own ``--lang`` when it was given on the command line; else
``SCELLE_LANG`` (``fr``, ``fr_FR``...) when set; else the locale, as ``--lang`` defaults to it (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``cli.lang``). Anything but French is English.
"""

from __future__ import annotations

import os

from cli.lang import given_lang, locale_lang


def message_language() -> str:
    """``fr`` or ``en``, in the order the module states."""
    given = given_lang()
    if given is not None:
        return given
    explicit = os.environ.get("SCELLE_LANG", "").strip().lower()[:2]
    if explicit in ("en", "fr"):
        return explicit
    return locale_lang()
