"""CASE 1.x / UCO 1.x JSON-LD export of a bundle's content, for tools that read the Cyber-investigation Analysis
Standard Expression (caseontology.org), checked in the tests with ``case_validate`` (PyPI ``case-utils``).

Mapping: the case is a ``case-investigation:Investigation`` whose ``relevantAuthorization`` are the legal
authorities (``case-investigation:Authorization``: instrument, reference, validity window as start and end time,
issuing organisation as creator); each artefact is a ``uco-observable:File`` with a ``FileFacet`` (name, size) and a
``ContentDataFacet`` holding its hashes; each custody event is a ``case-investigation:InvestigativeAction`` (start
time, location, the artefacts as objects, a ``ProvenanceRecord`` with the seal as exhibit number as result, the
previous events as ``wasInformedBy``) performed by the handler's role and, for a hand-over, with the receiving
handler's role as participant; people are ``uco-identity:Person`` linked to their role by a ``Has_Role`` and to
their organisation by an ``Affiliated_With`` relationship, and each action to the authorities it relies on by an
``Authorized_By`` relationship. UCO's hash vocabulary has no BLAKE3, so BLAKE3 digests are kept in the artefact's
description rather than as a ``types:Hash`` whose method the ontology does not know.

Identifiers are UUIDv5 derived from the ledger origin and the record ids, so the same bundle always gives the same
graph (UCO suggests IRIs ending with a UUID).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from custody import i18n
from custody.bundle.outcome import Contents
from custody.model.identity import Handler
from custody.model.records import Artefact, Authority, Event
from custody.model.times import format_utc

UCO = "https://ontology.unifiedcyberontology.org/uco/"
CONTEXT: dict[str, str] = {
    "kb": "http://example.org/kb/",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": UCO + "action/",
    "uco-core": UCO + "core/",
    "uco-identity": UCO + "identity/",
    "uco-location": UCO + "location/",
    "uco-observable": UCO + "observable/",
    "uco-role": UCO + "role/",
    "uco-types": UCO + "types/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
UCO_HASH_METHODS = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha512": "SHA512"}
CASE_ROLES = {"investigator": "case-investigation:Investigator", "examiner": "case-investigation:Examiner"}


def _time(moment: Any) -> dict[str, str]:
    return {"@type": "xsd:dateTime", "@value": format_utc(moment)}


class _Graph:
    """Accumulates nodes with deterministic identifiers."""

    def __init__(self, origin: str) -> None:
        self.namespace = uuid.uuid5(uuid.NAMESPACE_URL, "urn:scelle:ledger:" + origin)
        self.nodes: dict[str, dict[str, Any]] = {}

    def ident(self, kind: str, key: str) -> str:
        return f"kb:{kind}-{uuid.uuid5(self.namespace, kind + '/' + key)}"

    def add(self, kind: str, key: str, node_type: str, **members: Any) -> dict[str, str]:
        ident = self.ident(kind, key)
        if ident not in self.nodes:
            self.nodes[ident] = {
                "@id": ident,
                "@type": node_type,
                **{k: v for k, v in members.items() if v not in (None, [], "")},
            }
        return {"@id": ident}

    def relationship(self, kind: str, source: dict[str, str], target: dict[str, str]) -> None:
        key = f"{kind}/{source['@id']}/{target['@id']}"
        self.add(
            "relationship",
            key,
            "uco-core:Relationship",
            **{
                "uco-core:source": source,
                "uco-core:target": target,
                "uco-core:kindOfRelationship": kind,
                "uco-core:isDirectional": {"@type": "xsd:boolean", "@value": "true"},
            },
        )


def _person(graph: _Graph, handler: Handler) -> dict[str, str]:
    """The role a handler acts in (what performs actions), with the person and organisation behind it."""
    key = handler.key_fingerprint
    person = graph.add("person", key, "uco-identity:Person", **{"uco-core:name": handler.name})
    organisation = graph.add(
        "organization",
        handler.organisation + "/" + handler.country,
        "uco-identity:Organization",
        **{"uco-core:name": handler.organisation, "uco-core:description": f"country {handler.country}"},
    )
    role = graph.add(
        "role",
        key,
        CASE_ROLES.get(handler.role, "uco-role:Role"),
        **{
            "uco-core:name": f"{i18n.vocabulary(i18n.ROLES, handler.role, 'en')}: {handler.name}",
            "uco-core:description": f"{handler.name}, {handler.role}, {handler.organisation} ({handler.country}); "
            f"signing key {handler.key_fingerprint}",
        },
    )
    graph.relationship("Has_Role", person, role)
    graph.relationship("Affiliated_With", person, organisation)
    return role


def _artefact(graph: _Graph, artefact: Artefact) -> dict[str, str]:
    hashes = [
        graph.add(
            "hash",
            f"{artefact.key}/{alg}",
            "uco-types:Hash",
            **{
                "uco-types:hashMethod": UCO_HASH_METHODS[alg],
                "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": value.upper()},
            },
        )
        for alg, value in artefact.digests.items()
        if alg in UCO_HASH_METHODS
    ]
    others = [f"{alg}:{value}" for alg, value in artefact.digests.items() if alg not in UCO_HASH_METHODS]
    size = None if artefact.size is None else {"@type": "xsd:integer", "@value": str(artefact.size)}
    facets = [
        graph.add(
            "content-facet",
            artefact.key,
            "uco-observable:ContentDataFacet",
            **{"uco-observable:hash": hashes, "uco-observable:sizeInBytes": size},
        )
    ]
    if artefact.name:
        facets.append(
            graph.add(
                "file-facet",
                artefact.key,
                "uco-observable:FileFacet",
                **{"uco-observable:fileName": artefact.name, "uco-observable:sizeInBytes": size},
            )
        )
    return graph.add(
        "file",
        artefact.key,
        "uco-observable:File",
        **{
            "uco-core:name": artefact.name or artefact.key,
            "uco-core:hasFacet": facets,
            "uco-core:description": "; ".join(["Evidence item " + artefact.key, *others]),
        },
    )


def _authority(graph: _Graph, authority: Authority) -> dict[str, str]:
    issuer = graph.add(
        "organization",
        authority.issuing_authority + "/" + authority.issuing_state,
        "uco-identity:Organization",
        **{"uco-core:name": authority.issuing_authority, "uco-core:description": f"country {authority.issuing_state}"},
    )
    title = i18n.vocabulary(i18n.INSTRUMENTS, authority.instrument, "en")
    states = f"requested State {authority.requested_state}" if authority.requested_state else "domestic"
    return graph.add(
        "authorization",
        authority.id,
        "case-investigation:Authorization",
        **{
            "uco-core:name": f"{title}, {authority.reference}",
            "case-investigation:authorizationType": title,
            "case-investigation:authorizationIdentifier": [authority.reference, authority.id],
            "uco-core:startTime": _time(authority.valid_from),
            "uco-core:endTime": _time(authority.valid_until),
            "uco-core:createdBy": issuer,
            "uco-core:description": f"{authority.legal_basis or title}; issued {format_utc(authority.issued)} by "
            f"{authority.issuing_authority} ({authority.issuing_state}); {states}; scope: "
            f"{', '.join(authority.scope.categories) or 'not limited by category'}",
        },
    )


def _event(graph: _Graph, event: Event, contents: Contents, seal_roots: dict[str, str]) -> dict[str, str]:
    objects = [_artefact(graph, a) for a in event.artefacts]
    for artefact in event.artefacts:
        if event.seal:
            seal_roots.setdefault(artefact.key, event.seal)
    record = graph.add(
        "provenance-record",
        event.id,
        "case-investigation:ProvenanceRecord",
        **{
            "uco-core:object": objects,
            "case-investigation:exhibitNumber": event.seal,
            "case-investigation:rootExhibitNumber": sorted(
                {seal_roots[a.key] for a in event.artefacts if a.key in seal_roots}
            ),
            "uco-core:description": f"Custody of the items after event {event.id} ({event.action})",
        },
    )
    location = None
    if event.location:
        location = graph.add("location", event.location, "uco-location:Location", **{"uco-core:name": event.location})
    action = graph.add(
        "action",
        event.id,
        "case-investigation:InvestigativeAction",
        **{
            "uco-core:name": event.action,
            "uco-action:startTime": _time(event.occurred_at),
            "uco-core:description": "; ".join(
                x
                for x in (
                    f"{i18n.vocabulary(i18n.ACTIONS, event.action, 'en')} (event {event.id}, case {event.case})",
                    f"local time zone {event.occurred_tz}",
                    event.purpose,
                    event.tool and f"tool: {event.tool}",
                    event.late_reason and f"{i18n.label('late_reason', 'en')}: {event.late_reason}",
                    event.derived_from and f"{i18n.label('derived_from', 'en')}: {', '.join(event.derived_from)}",
                )
                if x
            ),
            "uco-action:performer": _person(graph, event.handler),
            "uco-action:participant": [_person(graph, event.counter_party)] if event.counter_party else [],
            "uco-action:location": location,
            "uco-action:object": objects,
            "uco-action:result": [record],
            "case-investigation:wasInformedBy": [
                {"@id": graph.ident("action", p)} for p in event.prev if any(e.id == p for e in contents.events)
            ],
        },
    )
    for ident in event.authorities:
        if ident in contents.authorities:
            graph.relationship("Authorized_By", action, {"@id": graph.ident("authorization", ident)})
    return action


def case_uco(contents: Contents) -> dict[str, Any]:
    """The JSON-LD document (CASE 1.x / UCO 1.x) for what a bundle contains."""
    origin = contents.header.origin if contents.header else "unknown"
    case = contents.header.case if contents.header else "unknown"
    graph = _Graph(origin)
    authorizations = [_authority(graph, a) for a in contents.authorities.values()]
    seal_roots: dict[str, str] = {}
    actions = [_event(graph, e, contents, seal_roots) for e in contents.events]
    records = [{"@id": graph.ident("provenance-record", e.id)} for e in contents.events]
    graph.add(
        "investigation",
        case,
        "case-investigation:Investigation",
        **{
            "uco-core:name": case,
            "case-investigation:investigationForm": "case",
            "case-investigation:relevantAuthorization": authorizations,
            "uco-core:description": f"Chain of custody exported by scelle from ledger {origin}",
            "uco-core:object": actions + records,
        },
    )
    return {"@context": CONTEXT, "@graph": list(graph.nodes.values())}


def case_uco_bytes(contents: Contents) -> bytes:
    """``case_uco`` as an indented UTF-8 JSON-LD file."""
    return (json.dumps(case_uco(contents), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
