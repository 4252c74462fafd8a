"""The messages of `scelle custody verify` and of the library exist in English and French, with the same fields."""

from __future__ import annotations

import re
from pathlib import Path

from custody import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_both_languages_with_the_same_parameters() -> None:
    for code, (english, french) in i18n.MESSAGES.items():
        assert english.strip() and french.strip() and english != french, code
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", french)), code


def test_every_message_code_used_is_in_the_catalogue() -> None:
    used = {
        code
        for package in ("custody", "cli")
        for path in (ROOT / package).rglob("*.py")
        for code in re.findall(r'message\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8"))
    }
    used |= {"trust.required", "trust.required.library"}  # TrustRequiredError's code argument
    assert {"trust.twice", "trust.both", "ledger.verified", "trust.embedded"} <= used
    assert used <= set(i18n.MESSAGES), used - set(i18n.MESSAGES)


def test_french_uses_french_typography() -> None:
    from custody.i18n.words import counted

    counts = {name: counted(n, noun, "fr") for name, n, noun in (("entries", 9, "entry"), ("events", 1, "event"),
                                                                  ("checkpoints", 9, "checkpoint"))}  # fmt: skip
    assert i18n.message("ledger.verified", "fr", subject="a.ledger", **counts) == (
        "a.ledger : registre vérifié : 9 entrées (1 événement), 9 points de contrôle"  # never « 1 événements »
    )
    assert [counted(n, "event", lang) for n, lang in ((0, "fr"), (2, "fr"), (0, "en"), (1, "en"))] == [
        "0 événement",
        "2 événements",
        "0 events",
        "1 event",
    ]
    for _, french in i18n.MESSAGES.values():
        assert not re.search(r"\w[:;]\s", french), french  # a space before « : » and « ; » in French
