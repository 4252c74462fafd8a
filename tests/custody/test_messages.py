"""The messages of `scelle custody verify` and of the library exist in English and French, with the same fields."""

from __future__ import annotations

import re
from pathlib import Path

from custody import i18n
from evidence.common.messages import MESSAGES as LIBRARY_MESSAGES

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_both_languages_with_the_same_parameters() -> None:
    for code, (english, french) in i18n.MESSAGES.items():
        assert english.strip() and french.strip() and english != french, code
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", french)), code


def test_every_message_code_used_is_in_the_catalogue() -> None:
    """Each code is in the catalogue of the ``message`` its module calls: the library's (``evidence.common``) for the
    modules that import that one (``cli.progress``), else the custody and command messages."""
    used, library_used = set(), set()
    for package in ("custody", "cli"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            codes = set(re.findall(r'(?<!\w)message\(\s*"([a-z_.]+)"', text))
            library = re.search(r"^from evidence\.common\.messages import .*\bmessage\b", text, re.MULTILINE)
            (library_used if library else used).update(codes)
    used |= {"trust.required", "trust.required.library"}  # TrustRequiredError's code argument
    assert {"trust.twice", "trust.both", "ledger.verified", "trust.embedded"} <= used
    assert used <= set(i18n.MESSAGES), used - set(i18n.MESSAGES)
    assert {"progress.line", "progress.units"} <= library_used
    assert library_used <= set(LIBRARY_MESSAGES), library_used - set(LIBRARY_MESSAGES)


def test_every_image_message_code_used_is_in_the_image_catalogue() -> None:
    # the command line states the image messages with ``image_message`` (evidence.common.messages.message)
    from evidence.common.messages import MESSAGES as IMAGE_MESSAGES

    used = {
        code
        for path in (ROOT / "cli").rglob("*.py")
        for code in re.findall(
            r'(?:image_message|usage_error|Notice|_label)\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")
        )
    }
    assert {"info.format", "usage.no_such_option", "usage.line"} <= used
    assert used <= set(IMAGE_MESSAGES), used - set(IMAGE_MESSAGES)


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


def test_findings_state_their_counts_in_the_singular_or_plural() -> None:
    from custody.i18n.findings import FINDINGS, finding
    from custody.i18n.words import PLURAL_FORMS

    signatures = {"events": "1", "transfers": "0", "authorities": "2", "keys": "1"}
    assert finding("signatures.ok", signatures, "fr") == (
        "Toutes les signatures sont valides : 1 événement (dont 0 remise signée par les deux parties), "
        "2 autorisations, 1 clé d'intervenant"  # never « événements 1 », « Les 1 événements »
    )
    assert finding("signatures.ok", signatures, "en") == (
        "All signatures verify: 1 event (0 hand-overs signed by both parties), 2 authorities, 1 handler key"
    )
    assert finding("order.ok", {"count": "1"}, "fr") == "L'événement est dans un ordre chronologique cohérent"
    assert finding("order.ok", {"count": "3"}, "fr").startswith("Les 3 événements sont dans un ordre")
    assert finding("proofs.ok", {"count": "4", "size": "1"}, "en").startswith("All 4 entries are in the signed")
    for english, french in FINDINGS.values():  # every form names a count the finding has, in both languages
        for template in (english, french):
            for name, one, many in PLURAL_FORMS.findall(template):
                assert "{" + name + "}" in english + french or name in ("count", "size"), template
                assert "[[" not in one + many and "]]" not in one + many, template
            assert "[[" not in PLURAL_FORMS.sub("", template), template
