"""The language of the image messages that exist in English and French (``evidence.common.messages``).

``SCELLE_LANG=fr`` (or ``fr_FR``...) states refusals and warnings about images in French; anything else, English.
The custody commands take their own ``--lang``, which this does not change.
"""

from __future__ import annotations

import os


def message_language() -> str:
    """``fr`` when ``SCELLE_LANG`` says French, else ``en``."""
    lang = os.environ.get("SCELLE_LANG", "en").strip().lower()[:2]
    return lang if lang in ("en", "fr") else "en"
