"""The form a count takes in a sentence of a catalogue: ``[[count|singular|plural]]``, English and French rules.

One rule for every catalogue (the evidence messages, and the custody catalogue through ``custody.i18n.words``):
French takes the singular for 0 and 1 (« 0 octet », « 1 octet », « 2 octets »), English for 1 only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLURAL_FORMS = re.compile(r"\[\[(\w+)\|([^|\]]*)\|([^|\]]*)\]\]")
"""``[[count|singular form|plural form]]`` in a sentence of a catalogue: the form its count takes (``singular``).
The report page applies the same pattern and rule to the same sentences."""


def singular(count: int, lang: str) -> bool:
    """Whether ``count`` takes the singular: 1 in English; 0 and 1 in French (« 0 événement »), as French writes it."""
    return count <= 1 if lang == "fr" else count == 1


def with_forms(template: str, counts: Mapping[str, object], lang: str) -> str:
    """``template`` with each ``[[name|singular|plural]]`` replaced by the form the count ``name`` takes."""

    def form(match: re.Match[str]) -> str:
        return match[2] if singular(int(str(counts[match[1]])), lang) else match[3]

    return PLURAL_FORMS.sub(form, template)
