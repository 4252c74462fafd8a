"""The authority findings exist in English and French with the same parameters, and every code the rules use is in
the catalogue (a missing one would print as a bare code in a French report)."""

from __future__ import annotations

import re
from pathlib import Path

from custody import i18n
from custody.i18n.authorities import AUTHORITY_FINDINGS, CHANGE_LINES, FIELDS
from custody.rules.instruments import INSTRUMENTS

ROOT = Path(__file__).resolve().parents[2]


def test_every_authority_finding_has_both_languages_with_the_same_parameters() -> None:
    for code, (english, french) in {**AUTHORITY_FINDINGS, **CHANGE_LINES}.items():
        assert english.strip() and french.strip(), code
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", french)), code
        if code != "ledger.text":
            assert english != french, code
            assert not re.search(r"\w[:;]\s", french), french  # a space before « : » and « ; » in French


def test_every_code_the_rules_use_is_in_the_catalogue() -> None:
    used = {
        code
        for path in [*(ROOT / "custody" / "rules").glob("*.py"), ROOT / "custody" / "ledger" / "verify.py"]
        for code in re.findall(r'breach\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8"))
    }
    assert {"cover.revoked", "cover.unvalidated", "change.lapsed", "instrument.required"} <= used
    assert used <= set(i18n.FINDINGS), used - set(i18n.FINDINGS)
    refusals = {f"refused.{kind}" for kind in ("authority", "extend", "validate", "revoke")}
    assert refusals <= set(i18n.FINDINGS)


def test_every_required_field_is_named_in_french() -> None:
    required = {path for rules in INSTRUMENTS.values() for path in rules.required}
    assert required <= set(FIELDS), required - set(FIELDS)
    assert i18n.finding("instrument.required", {"instrument": "budapest-29", "field": "facts"}, "fr") == (
        "Convention de Budapest, art. 29 (conservation rapide) : il manque l'exposé des faits"
    )
    window = {"instrument": "eu-epoc-pr", "days": "61.0", "limit": "60"}
    assert i18n.finding("instrument.window_long", window, "fr") == (
        "la durée de validité est de 61,0 jours ; Injonction européenne de conservation (EPOC-PR) : "
        "60 jours au plus sont permis"
    )
