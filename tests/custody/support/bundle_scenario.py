"""The issue's cross-border scenario as real signed ledger entries: Morocco seizes and images a laptop and a phone
under a domestic order and a French Art. 29 preservation request; France sends an Art. 31 MLA request; Morocco
hands the laptop image to a French examiner, who analyses it. The phone never leaves Morocco.

Entries are signed with real Ed25519 keys and the checkpoint is a real signed note, exactly as the ledger writes
them (``custody.model.entries``), so the bundle code is tested on the bytes a ledger produces.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from custody.model.entries import KeyEntry, LedgerHeader, SignedEntry, sign_entry
from custody.model.keys import KeyPair, generate_key
from custody.model.records import Artefact, Authority, Event, Offence, Scope
from custody.tlog.merkle import MerkleTree, leaf_hash
from custody.tlog.notes import Checkpoint, key_name_for, sign_checkpoint

CASE = "MA-2026-0042"
ORIGIN = "dgsn.ma/scelle/MA-2026-0042"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def artefact_bytes(label: str, size: int = 200_000) -> bytes:
    """Deterministic stand-in content for an artefact file."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{label}-{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


@dataclass
class Scenario:
    """Keys, artefact files and the ledger's leaves and signed checkpoint."""

    ledger_key: KeyPair
    officer: KeyPair
    examiner_ma: KeyPair
    examiner_fr: KeyPair
    laptop: Path
    phone: Path
    leaves: list[bytes] = field(default_factory=list)
    entries: list[SignedEntry] = field(default_factory=list)
    last: dict[str, str] = field(default_factory=dict)

    @property
    def key_name(self) -> str:
        return key_name_for(self.ledger_key.info.name)

    def add(self, entry: SignedEntry) -> None:
        self.entries.append(entry)
        self.leaves.append(entry.leaf())

    def add_event(self, event: Event, *signers: KeyPair) -> Event:
        prev = tuple(dict.fromkeys(self.last[a.key] for a in event.artefacts if a.key in self.last))
        event = replace(event, prev=prev)
        self.add(sign_entry("event", event, signers))
        for artefact in event.artefacts:
            self.last[artefact.key] = event.id
        return event

    def checkpoint(self, size: int | None = None) -> str:
        size = len(self.leaves) if size is None else size
        root = MerkleTree(leaf_hash(leaf) for leaf in self.leaves[:size]).root()
        point = Checkpoint(ORIGIN, size, root, ())
        return sign_checkpoint(point, self.key_name, self.ledger_key.private_key)


def _artefact(path: Path, data: bytes) -> Artefact:
    import blake3

    path.write_bytes(data)
    return Artefact(
        digests={"sha256": hashlib.sha256(data).hexdigest(), "blake3": blake3.blake3(data).hexdigest()},
        name=path.name,
        size=len(data),
    )


def authorities() -> list[Authority]:
    offence = Offence(
        description="Escroquerie en bande organisée (hameçonnage)",
        provisions=("Code pénal (FR) art. 313-2", "Code pénal (MA) art. 607-3"),
        max_penalty_months=120,
    )
    return [
        Authority(
            id="au-ma-order",
            instrument="domestic-order",
            issuing_state="MA",
            issuing_authority="Juge d'instruction, Tribunal de première instance de Casablanca",
            issuing_authority_type="investigating-judge",
            reference="TPI-CASA-2026-117",
            issued=utc(2026, 3, 2, 9),
            valid_from=utc(2026, 3, 2, 9),
            valid_until=utc(2026, 6, 1),
            offence=offence,
            scope=Scope(categories=("content",)),
        ),
        Authority(
            id="au-fr-29",
            instrument="budapest-29",
            issuing_state="FR",
            issuing_authority="Parquet de Paris, J3 cybercriminalité",
            issuing_authority_type="prosecutor",
            reference="PARQUET-J3-2026-0042",
            issued=utc(2026, 3, 2, 12),
            valid_from=utc(2026, 3, 2, 12),
            valid_until=utc(2026, 5, 15),
            requested_state="MA",
            channel="24-7-network",
            offence=offence,
            facts="Campagne d'hameçonnage visant des clients de banques françaises",
            necessity="Les journaux du serveur sont écrasés chaque semaine",
            mla_to_follow=True,
            scope=Scope(identifiers=("disque WD-XYZ123",), custodian="DGSN, Casablanca"),
        ),
        Authority(
            id="au-fr-31",
            instrument="budapest-31",
            issuing_state="FR",
            issuing_authority="Juge d'instruction, Tribunal judiciaire de Paris",
            issuing_authority_type="investigating-judge",
            reference="JI-PARIS-2026-77",
            issued=utc(2026, 3, 20),
            valid_from=utc(2026, 3, 20),
            valid_until=utc(2026, 12, 31),
            requested_state="MA",
            channel="central-authority",
            offence=offence,
            facts="Campagne d'hameçonnage",
            related=("PARQUET-J3-2026-0042",),
            scope=Scope(categories=("content",), identifiers=("disque WD-XYZ123",)),
        ),
    ]


def _keys() -> tuple[KeyPair, KeyPair, KeyPair, KeyPair]:
    return (
        generate_key(name="Registre DGSN Casablanca", role="ledger", organisation="DGSN", country="MA"),
        generate_key(
            name="Youssef Alaoui",
            role="investigator",
            organisation="DGSN, Brigade nationale de police judiciaire",
            country="MA",
        ),
        generate_key(
            name="Amina Benali",
            role="examiner",
            organisation="DGSN, Laboratoire de criminalistique numérique",
            country="MA",
        ),
        generate_key(
            name="Claire Martin", role="examiner", organisation="Office anti-cybercriminalité (OFAC)", country="FR"
        ),
    )


def build(directory: Path) -> Scenario:
    """Write the two artefact files under ``directory`` and build the signed ledger entries."""
    ledger, officer, ma, fr = _keys()
    s = Scenario(
        ledger_key=ledger,
        officer=officer,
        examiner_ma=ma,
        examiner_fr=fr,
        laptop=directory / "laptop-WD-XYZ123.E01",
        phone=directory / "phone-SM-A52.zip",
    )
    laptop = _artefact(s.laptop, artefact_bytes("laptop"))
    phone = _artefact(s.phone, artefact_bytes("phone", 120_000))
    header = LedgerHeader(
        origin=ORIGIN, case=CASE, key_name=s.key_name, public_key=ledger.info.public_key, created_at=utc(2026, 3, 2, 8)
    )
    s.add(sign_entry("ledger", header, [ledger]))
    for key in (officer, ma, fr):
        s.add(
            sign_entry(
                "key",
                KeyEntry(
                    handler=key.info.handler, public_key=key.info.public_key, registered_at=utc(2026, 3, 2, 8, 30)
                ),
                [key],
            )
        )
    au_order, au_29, au_31 = authorities()
    s.add(sign_entry("authority", au_order, [officer]))
    s.add(sign_entry("authority", au_29, [officer]))
    common: dict[str, Any] = {"case": CASE, "categories": ("content",)}
    _events(s, laptop, phone, common)
    s.add(sign_entry("authority", au_31, [officer]))
    _after_mla(s, laptop, common)
    return s


def _event(**fields: object) -> Event:
    return Event(**fields)  # type: ignore[arg-type]


def _events(s: Scenario, laptop: Artefact, phone: Artefact, common: dict[str, Any]) -> None:
    officer, ma = s.officer.info.handler, s.examiner_ma.info.handler
    s.add_event(
        _event(
            id="ev-001",
            action="seized",
            artefacts=(laptop,),
            handler=officer,
            occurred_at=utc(2026, 3, 3, 7),
            occurred_tz="Africa/Casablanca",
            recorded_at=utc(2026, 3, 3, 7, 20),
            location="Domicile du suspect, Casablanca",
            seal="SC-2026-17",
            authorities=("au-ma-order", "au-fr-29"),
            **common,
        ),
        s.officer,
    )
    s.add_event(
        _event(
            id="ev-002",
            action="seized",
            artefacts=(phone,),
            handler=officer,
            occurred_at=utc(2026, 3, 3, 7, 5),
            occurred_tz="Africa/Casablanca",
            recorded_at=utc(2026, 3, 3, 7, 25),
            location="Domicile du suspect, Casablanca",
            seal="SC-2026-18",
            authorities=("au-ma-order",),
            **common,
        ),
        s.officer,
    )
    s.add_event(
        _event(
            id="ev-003",
            action="acquired",
            artefacts=(laptop,),
            handler=ma,
            occurred_at=utc(2026, 3, 4, 9),
            occurred_tz="Africa/Casablanca",
            recorded_at=utc(2026, 3, 4, 11),
            location="Laboratoire DGSN, Casablanca",
            tool="scelle acquire (E01, SHA-256 + BLAKE3)",
            seal="SC-2026-17",
            authorities=("au-ma-order", "au-fr-29"),
            **common,
        ),
        s.examiner_ma,
    )
    s.add_event(
        _event(
            id="ev-004",
            action="acquired",
            artefacts=(phone,),
            handler=ma,
            occurred_at=utc(2026, 3, 4, 12),
            occurred_tz="Africa/Casablanca",
            recorded_at=utc(2026, 3, 4, 13),
            location="Laboratoire DGSN, Casablanca",
            seal="SC-2026-18",
            authorities=("au-ma-order",),
            **common,
        ),
        s.examiner_ma,
    )
    s.add_event(
        _event(
            id="ev-005",
            action="sealed",
            artefacts=(laptop,),
            handler=ma,
            occurred_at=utc(2026, 3, 4, 14),
            occurred_tz="Africa/Casablanca",
            recorded_at=utc(2026, 3, 4, 14, 10),
            location="Laboratoire DGSN, Casablanca",
            seal="SC-2026-17-B",
            **common,
        ),
        s.examiner_ma,
    )


def _after_mla(s: Scenario, laptop: Artefact, common: dict[str, Any]) -> None:
    ma, fr = s.examiner_ma.info.handler, s.examiner_fr.info.handler
    s.add_event(
        _event(
            id="ev-006",
            action="transferred",
            artefacts=(laptop,),
            handler=ma,
            counter_party=fr,
            occurred_at=utc(2026, 4, 2, 9),
            occurred_tz="Africa/Casablanca",
            recorded_at=utc(2026, 4, 2, 9, 30),
            location="Ambassade de France, Rabat",
            purpose="Exécution de la demande d'entraide JI-PARIS-2026-77",
            seal="SC-2026-17-B",
            authorities=("au-fr-31",),
            **common,
        ),
        s.examiner_ma,
        s.examiner_fr,
    )
    s.add_event(
        _event(
            id="ev-007",
            action="analysed",
            artefacts=(laptop,),
            handler=fr,
            occurred_at=utc(2026, 4, 10, 8),
            occurred_tz="Europe/Paris",
            recorded_at=utc(2026, 4, 10, 16),
            location="OFAC, Nanterre",
            tool="scelle image ls/extract",
            authorities=("au-fr-31",),
            **common,
        ),
        s.examiner_fr,
    )
