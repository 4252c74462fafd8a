"""The cross-border scenario of ``bundle_scenario``, recorded through the real ledger (``custody.ledger.ledger``): the
ledger fills ids, previous-event links and checkpoints, and refuses what its own checks refuse."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import blake3

from custody.ledger.drafts import EventDraft
from custody.ledger.ledger import Ledger
from custody.model.keys import KeyPair, generate_key, save_public_key
from custody.model.records import Artefact
from tests.custody.support.bundle_scenario import CASE, ORIGIN, artefact_bytes, authorities, utc


@dataclass
class LedgerScenario:
    """The ledger file, the ledger's public key file and the two artefact files."""

    ledger: Path
    ledger_pub: Path
    ledger_key: KeyPair
    laptop: Path
    phone: Path


def _file(path: Path, data: bytes) -> Artefact:
    path.write_bytes(data)
    return Artefact(
        digests={"sha256": hashlib.sha256(data).hexdigest(), "blake3": blake3.blake3(data).hexdigest()},
        name=path.name,
        size=len(data),
    )


def build_ledger(directory: Path) -> LedgerScenario:
    """Record the scenario in ``directory/case.ledger``."""
    key = generate_key(name="Registre DGSN Casablanca", role="ledger", organisation="DGSN", country="MA")
    officer = generate_key(
        name="Youssef Alaoui",
        role="investigator",
        organisation="DGSN, Brigade nationale de police judiciaire",
        country="MA",
    )
    ma = generate_key(
        name="Amina Benali",
        role="examiner",
        organisation="DGSN, Laboratoire de criminalistique numérique",
        country="MA",
    )
    fr = generate_key(
        name="Claire Martin", role="examiner", organisation="Office anti-cybercriminalité (OFAC)", country="FR"
    )
    s = LedgerScenario(
        ledger=directory / "case.ledger",
        ledger_pub=directory / "ledger.pub",
        ledger_key=key,
        laptop=directory / "laptop-WD-XYZ123.E01",
        phone=directory / "phone-SM-A52.zip",
    )
    save_public_key(key.info, s.ledger_pub)
    laptop = _file(s.laptop, artefact_bytes("laptop"))
    phone = _file(s.phone, artefact_bytes("phone", 120_000))
    au_order, au_29, au_31 = authorities()
    casa, paris = "Africa/Casablanca", "Europe/Paris"
    content = ("content",)
    with Ledger.create(s.ledger, case=CASE, origin=ORIGIN, ledger_key=key, now=utc(2026, 3, 2, 8)) as ledger:
        ledger.add_authority(au_order, officer, now=utc(2026, 3, 2, 9, 30))
        ledger.add_authority(au_29, officer, now=utc(2026, 3, 2, 12, 30))
        ledger.record(
            officer,
            EventDraft(
                action="seized",
                artefacts=(laptop,),
                occurred_at=utc(2026, 3, 3, 7),
                occurred_tz=casa,
                location="Domicile du suspect, Casablanca",
                seal="SC-2026-17",
                authorities=("au-ma-order", "au-fr-29"),
                categories=content,
            ),
            now=utc(2026, 3, 3, 7, 20),
        )
        ledger.record(
            officer,
            EventDraft(
                action="seized",
                artefacts=(phone,),
                occurred_at=utc(2026, 3, 3, 7, 5),
                occurred_tz=casa,
                location="Domicile du suspect, Casablanca",
                seal="SC-2026-18",
                authorities=("au-ma-order",),
                categories=content,
            ),
            now=utc(2026, 3, 3, 7, 25),
        )
        ledger.record(
            ma,
            EventDraft(
                action="acquired",
                artefacts=(laptop,),
                occurred_at=utc(2026, 3, 4, 9),
                occurred_tz=casa,
                location="Laboratoire DGSN, Casablanca",
                seal="SC-2026-17",
                tool="scelle acquire (E01, SHA-256 + BLAKE3)",
                authorities=("au-ma-order", "au-fr-29"),
                categories=content,
            ),
            now=utc(2026, 3, 4, 11),
        )
        ledger.record(
            ma,
            EventDraft(
                action="acquired",
                artefacts=(phone,),
                occurred_at=utc(2026, 3, 4, 12),
                occurred_tz=casa,
                location="Laboratoire DGSN, Casablanca",
                seal="SC-2026-18",
                authorities=("au-ma-order",),
                categories=content,
            ),
            now=utc(2026, 3, 4, 13),
        )
        ledger.add_authority(au_31, officer, now=utc(2026, 3, 21))
        ledger.record(
            ma,
            EventDraft(
                action="transferred",
                artefacts=(laptop,),
                occurred_at=utc(2026, 4, 2, 9),
                occurred_tz=casa,
                location="Ambassade de France, Rabat",
                seal="SC-2026-17",
                purpose="Exécution de la demande d'entraide JI-PARIS-2026-77",
                authorities=("au-fr-31",),
                categories=content,
            ),
            now=utc(2026, 4, 2, 9, 30),
            counter_key=fr,
        )
        ledger.record(
            fr,
            EventDraft(
                action="analysed",
                artefacts=(laptop,),
                occurred_at=utc(2026, 4, 10, 8),
                occurred_tz=paris,
                location="OFAC, Nanterre",
                tool="scelle image ls/extract",
                authorities=("au-fr-31",),
                categories=content,
            ),
            now=utc(2026, 4, 10, 16),
        )
    return s
