"""Records of the issue's scenario: Morocco seizes and images a disk, France asks for it (Art. 29 then Art. 31)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from custody.model.handover import HandoverLink
from custody.model.identity import Handler
from custody.model.records import Artefact, Authority, Event, Offence, Scope


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def fake_fingerprint(label: str) -> str:
    return "sha256:" + hashlib.sha256(label.encode()).hexdigest()


def handler(label: str = "amina", country: str = "MA", **changes: Any) -> Handler:
    fields = {
        "name": f"{label.title()} Examiner",
        "role": "examiner",
        "organisation": "DGSN Laboratoire",
        "country": country,
        "key_fingerprint": fake_fingerprint(label),
    }
    fields.update(changes)
    return Handler(**fields)


def artefact(data: bytes = b"disk image", **changes: Any) -> Artefact:
    fields: dict[str, Any] = {
        "digests": {"sha256": hashlib.sha256(data).hexdigest()},
        "name": "disk.E01",
        "size": len(data),
    }
    fields.update(changes)
    return Artefact(**fields)


def domestic_order(**changes: Any) -> Authority:
    fields: dict[str, Any] = {
        "id": "au-ma-order",
        "instrument": "domestic-order",
        "issuing_state": "MA",
        "issuing_authority": "Tribunal de première instance de Rabat",
        "issuing_authority_type": "court",
        "reference": "TPI-RABAT-2026-117",
        "issued": utc(2026, 3, 1),
        "valid_from": utc(2026, 3, 1),
        "valid_until": utc(2026, 6, 1),
        "offence": Offence(description="fraude informatique", provisions=("Code pénal art. 607-3",)),
        "scope": Scope(categories=("content",)),
    }
    fields.update(changes)
    return Authority(**fields)


def preservation_request(**changes: Any) -> Authority:
    fields: dict[str, Any] = {
        "id": "au-fr-29",
        "instrument": "budapest-29",
        "issuing_state": "FR",
        "issuing_authority": "Parquet de Paris, section J3",
        "issuing_authority_type": "prosecutor",
        "reference": "PARQUET-J3-2026-0042",
        "issued": utc(2026, 3, 2),
        "valid_from": utc(2026, 3, 2),
        "valid_until": utc(2026, 5, 2),
        "requested_state": "MA",
        "offence": Offence(description="escroquerie en bande organisée", max_penalty_months=120),
        "facts": "phishing campaign against French bank customers",
        "necessity": "logs are overwritten weekly",
        "mla_to_follow": True,
        "scope": Scope(identifiers=("disk serial WD-XYZ",), custodian="DGSN Rabat"),
    }
    fields.update(changes)
    return Authority(**fields)


def mla_request(**changes: Any) -> Authority:
    fields: dict[str, Any] = {
        "id": "au-fr-31",
        "instrument": "budapest-31",
        "issuing_state": "FR",
        "issuing_authority": "Juge d'instruction, TJ Paris",
        "issuing_authority_type": "investigating-judge",
        "reference": "JI-PARIS-2026-77",
        "issued": utc(2026, 3, 20),
        "valid_from": utc(2026, 3, 20),
        "valid_until": utc(2026, 12, 31),
        "requested_state": "MA",
        "offence": Offence(description="escroquerie en bande organisée", max_penalty_months=120),
        "facts": "phishing campaign",
        "related": ("PARQUET-J3-2026-0042",),
        "scope": Scope(categories=("content",), identifiers=("disk serial WD-XYZ",)),
    }
    fields.update(changes)
    return Authority(**fields)


def event(**changes: Any) -> Event:
    fields: dict[str, Any] = {
        "id": "ev-0001",
        "case": "MA-2026-0042",
        "action": "acquired",
        "artefacts": (artefact(),),
        "handler": handler(),
        "occurred_at": utc(2026, 3, 3, 9, 30),
        "occurred_tz": "Africa/Casablanca",
        "recorded_at": utc(2026, 3, 3, 9, 45),
        "location": "DGSN lab, Rabat",
        "seal": "SC-17",
        "authorities": ("au-ma-order",),
        "categories": ("content",),
    }
    fields.update(changes)
    action = fields["action"]  # the handover members an offered or received event must carry
    if action == "offered" and "recipient" not in changes:
        fields["recipient"] = handler("pierre", "FR")
    if action == "received" and "handover" not in changes:
        fields["handover"] = HANDOVER
    return Event(**fields)


HANDOVER = HandoverLink(origin="scelle.example/MA-2026-0042", size=7, root=bytes(range(32)), offer="ev-0001")
