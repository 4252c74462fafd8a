"""scelle's custody layer: a signed, append-only ledger tied to handlers, time and legal authority.

The calls a tool needs::

    ledger_key = generate_key(name="scelle.example/MA-2026-0042", role="ledger", organisation="DGSN", country="MA")
    examiner = load_private_key("amina.key", passphrase)            # or generate_key(...) + save_private_key(...)
    with Ledger.create("case.ledger", case="MA-2026-0042", origin="scelle.example/MA-2026-0042",
                       ledger_key=ledger_key) as ledger:
        ledger.add_authority(Authority(...), examiner)              # the legal authority the actions rely on
        ledger.record(examiner, EventDraft(action="acquired", artefacts=(artefact_from_file("disk.E01"),), ...))
    exported = export_ledger("case.ledger", ["disk.E01"])          # the prosecutor's bundle: exported.data
    verify_ledger("case.ledger", trust=read_trust("ledger.pub"))   # the key obtained out of band
    verify_bundle(exported.data, read_trust("ledger.pub"), ["disk.E01"])
    # across a border: offer_handover -> OfferFile, receive_handover (other ledger) -> ReceiptFile, complete_handover

``verify_ledger`` and ``verify_bundle`` return a report (``.ok``, ``.subject``, ``.results``) when everything holds
and raise ``VerificationError`` (exit 3) carrying it otherwise, as ``evidence.verify_image`` does. Every error is a
``CustodyError`` (an ``evidence.EvidenceError``). See docs/library_example.py.

Importing the package is cheap: each name is imported from its module on first use (PEP 562), so a tool that only
verifies a bundle does not load the SQLite ledger store, and none of it is loaded by ``import custody`` alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence.common.lazy import lazy_exports

if TYPE_CHECKING:
    from custody.bundle.handover import (
        HandoverError,
        Received,
        accept_handover,
        check_offer,
        check_receipt,
        complete_handover,
        offer_handover,
        receive_handover,
    )
    from custody.bundle.handover_file import OfferFile, ReceiptFile
    from custody.bundle.io import LedgerExport, export_ledger
    from custody.bundle.outcome import BundleReport, Finding
    from custody.bundle.verify import verify_bundle
    from custody.errors import (
        AuthorityError,
        CustodyError,
        KeyFileError,
        LedgerTamperedError,
        ProofError,
        RecordError,
        SignatureError,
    )
    from custody.ledger.drafts import Appended, EventDraft, InclusionProof
    from custody.ledger.ledger import Ledger
    from custody.ledger.report import LedgerReport
    from custody.ledger.rfc3161 import TimestampCheck, TimestampError, TsaTrust
    from custody.ledger.timestamps import read_tsa_certs, timestamp_ledger
    from custody.ledger.transfer import TransferOffer, accept_offer, make_offer
    from custody.ledger.verify import verify_ledger
    from custody.ledger.witness import WitnessRefusedError, consistency_proof, cosign_checkpoint
    from custody.ledger.witnessed import attach_cosignatures, read_since
    from custody.model.artefacts import artefact_from_digests, artefact_from_file, artefact_from_record
    from custody.model.changes import AuthorityChange
    from custody.model.handover import HandoverLink
    from custody.model.identity import Handler
    from custody.model.keys import (
        KeyPair,
        PublicKeyInfo,
        generate_key,
        load_private_key,
        load_public_key,
        save_private_key,
        save_public_key,
    )
    from custody.model.legal import Authority, Conditions, Offence, Scope, Validation
    from custody.model.records import Artefact, Event
    from custody.model.trust import Trust, TrustedKey, TrustRequiredError, read_trust
    from custody.tlog.cosignature import WitnessKey
    from evidence.common.report import Report, VerificationError

_LAZY: dict[str, str] = {
    "Appended": "custody.ledger.drafts",
    "EventDraft": "custody.ledger.drafts",
    "InclusionProof": "custody.ledger.drafts",
    "Ledger": "custody.ledger.ledger",
    "TransferOffer": "custody.ledger.transfer",
    "accept_offer": "custody.ledger.transfer",
    "make_offer": "custody.ledger.transfer",
    "verify_ledger": "custody.ledger.verify",
    "LedgerReport": "custody.ledger.report",
    "TimestampCheck": "custody.ledger.rfc3161",
    "TimestampError": "custody.ledger.rfc3161",
    "TsaTrust": "custody.ledger.rfc3161",
    "read_tsa_certs": "custody.ledger.timestamps",
    "timestamp_ledger": "custody.ledger.timestamps",
    "WitnessRefusedError": "custody.ledger.witness",
    "consistency_proof": "custody.ledger.witness",
    "cosign_checkpoint": "custody.ledger.witness",
    "attach_cosignatures": "custody.ledger.witnessed",
    "read_since": "custody.ledger.witnessed",
    "WitnessKey": "custody.tlog.cosignature",
    "Artefact": "custody.model.records",
    "Event": "custody.model.records",
    "Authority": "custody.model.legal",
    "AuthorityChange": "custody.model.changes",
    "Conditions": "custody.model.legal",
    "Offence": "custody.model.legal",
    "Scope": "custody.model.legal",
    "Validation": "custody.model.legal",
    "Handler": "custody.model.identity",
    "KeyPair": "custody.model.keys",
    "PublicKeyInfo": "custody.model.keys",
    "generate_key": "custody.model.keys",
    "load_private_key": "custody.model.keys",
    "load_public_key": "custody.model.keys",
    "save_private_key": "custody.model.keys",
    "save_public_key": "custody.model.keys",
    "Trust": "custody.model.trust",
    "TrustRequiredError": "custody.model.trust",
    "TrustedKey": "custody.model.trust",
    "read_trust": "custody.model.trust",
    "artefact_from_digests": "custody.model.artefacts",
    "artefact_from_file": "custody.model.artefacts",
    "artefact_from_record": "custody.model.artefacts",
    "LedgerExport": "custody.bundle.io",
    "HandoverError": "custody.bundle.handover",
    "Received": "custody.bundle.handover",
    "accept_handover": "custody.bundle.handover",
    "check_offer": "custody.bundle.handover",
    "check_receipt": "custody.bundle.handover",
    "complete_handover": "custody.bundle.handover",
    "offer_handover": "custody.bundle.handover",
    "receive_handover": "custody.bundle.handover",
    "OfferFile": "custody.bundle.handover_file",
    "ReceiptFile": "custody.bundle.handover_file",
    "HandoverLink": "custody.model.handover",
    "export_ledger": "custody.bundle.io",
    "BundleReport": "custody.bundle.outcome",
    "Finding": "custody.bundle.outcome",
    "verify_bundle": "custody.bundle.verify",
    "AuthorityError": "custody.errors",
    "CustodyError": "custody.errors",
    "KeyFileError": "custody.errors",
    "LedgerTamperedError": "custody.errors",
    "ProofError": "custody.errors",
    "RecordError": "custody.errors",
    "SignatureError": "custody.errors",
    "Report": "evidence.common.report",
    "VerificationError": "evidence.common.report",
}
"""Public name -> the module that defines it."""


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "Appended",
    "Artefact",
    "Authority",
    "AuthorityChange",
    "AuthorityError",
    "BundleReport",
    "Conditions",
    "CustodyError",
    "Event",
    "EventDraft",
    "Finding",
    "Handler",
    "HandoverError",
    "HandoverLink",
    "InclusionProof",
    "KeyFileError",
    "KeyPair",
    "Ledger",
    "LedgerExport",
    "LedgerReport",
    "LedgerTamperedError",
    "Offence",
    "OfferFile",
    "ProofError",
    "PublicKeyInfo",
    "ReceiptFile",
    "Received",
    "RecordError",
    "Report",
    "Scope",
    "SignatureError",
    "TimestampCheck",
    "TimestampError",
    "TransferOffer",
    "Trust",
    "TrustRequiredError",
    "TrustedKey",
    "TsaTrust",
    "Validation",
    "VerificationError",
    "WitnessKey",
    "WitnessRefusedError",
    "accept_handover",
    "accept_offer",
    "artefact_from_digests",
    "artefact_from_file",
    "artefact_from_record",
    "attach_cosignatures",
    "check_offer",
    "check_receipt",
    "complete_handover",
    "consistency_proof",
    "cosign_checkpoint",
    "export_ledger",
    "generate_key",
    "load_private_key",
    "load_public_key",
    "make_offer",
    "offer_handover",
    "read_since",
    "read_trust",
    "read_tsa_certs",
    "receive_handover",
    "save_private_key",
    "save_public_key",
    "timestamp_ledger",
    "verify_bundle",
    "verify_ledger",
]
