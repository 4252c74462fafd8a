"""Every word a prosecutor or judge reads in a bundle report, in English and French, in one catalogue.

Reports go to courts in francophone and anglophone partner states, so labels, action and instrument names, data
categories, verdict words, verification findings and the messages of ``scelle custody verify`` all exist in both
languages here; the report, summary and command code only looks them up. Each entry is ``(English, French)``.
Free text inside records (names, places, offences) is shown as recorded, and details that come from lower layers
(an exception message) stay in English.

The catalogue is split by kind: ``words`` (vocabularies, labels, verdicts), ``findings`` (verification findings and
refusals), ``messages`` (command and library messages); this package exports them all.
"""

from __future__ import annotations

from custody.i18n.authorities import CHANGE_LINES, CHANGES, FIELDS
from custody.i18n.findings import FINDINGS, LIMITS, RECHECK, REFUSAL, finding
from custody.i18n.messages import MESSAGES, message
from custody.i18n.words import (
    ACTIONS,
    AUTHORITY_TYPES,
    CATEGORIES,
    COUNTRIES,
    INSTRUMENTS,
    LABELS,
    LANGUAGES,
    ROLES,
    VERDICT,
    LanguageError,
    Pair,
    check_lang,
    country,
    label,
    pick,
    vocabulary,
)

__all__ = [
    "ACTIONS",
    "AUTHORITY_TYPES",
    "CATEGORIES",
    "CHANGES",
    "CHANGE_LINES",
    "COUNTRIES",
    "FIELDS",
    "FINDINGS",
    "INSTRUMENTS",
    "LABELS",
    "LANGUAGES",
    "LIMITS",
    "MESSAGES",
    "RECHECK",
    "REFUSAL",
    "ROLES",
    "VERDICT",
    "LanguageError",
    "Pair",
    "check_lang",
    "country",
    "finding",
    "label",
    "message",
    "pick",
    "vocabulary",
]
