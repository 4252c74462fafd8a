"""CASE/UCO JSON-LD export of a bundle, validated by ``case_validate`` (PyPI case-utils, CASE 1.5.0 by default)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from custody.bundle.caseuco import case_uco, case_uco_bytes
from custody.bundle.export import export_bundle
from custody.bundle.outcome import BundleReport
from custody.bundle.verify import verify_bundle
from tests.custody.support.bundle_scenario import Scenario, build
from tests.support.tools import tool


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build(tmp_path_factory.mktemp("caseuco"))


@pytest.fixture(scope="module")
def report(scenario: Scenario) -> BundleReport:
    data = export_bundle(scenario.leaves, scenario.checkpoint()).bundle.to_bytes()
    return verify_bundle(data, scenario.ledger_key.info.public_key)


def nodes(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["@id"]: node for node in document["@graph"]}


def of_type(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [n for n in document["@graph"] if n["@type"] == kind]


def test_graph_has_one_action_per_event_and_one_authorization_per_authority(report: BundleReport) -> None:
    document = case_uco(report.contents)
    counts = Counter(n["@type"] for n in document["@graph"])
    assert counts["case-investigation:InvestigativeAction"] == len(report.contents.events) == 7
    assert counts["case-investigation:ProvenanceRecord"] == 7
    assert counts["case-investigation:Authorization"] == 3
    assert counts["case-investigation:Investigation"] == 1
    assert counts["uco-identity:Person"] == 3
    assert counts["uco-observable:File"] == 2
    investigation = of_type(document, "case-investigation:Investigation")[0]
    assert investigation["uco-core:name"] == "MA-2026-0042"
    assert len(investigation["case-investigation:relevantAuthorization"]) == 3


def test_hashes_and_windows_match_the_records(report: BundleReport) -> None:
    document = case_uco(report.contents)
    by_id = nodes(document)
    recorded = {a.digests["sha256"].upper() for e in report.contents.events for a in e.artefacts}
    hashes = {n["uco-types:hashValue"]["@value"] for n in of_type(document, "uco-types:Hash")}
    assert hashes == recorded
    for node in of_type(document, "uco-types:Hash"):
        assert node["uco-types:hashMethod"] == "SHA256"
    for authority in report.contents.authorities.values():
        match = [
            n
            for n in of_type(document, "case-investigation:Authorization")
            if authority.reference in n["case-investigation:authorizationIdentifier"]
        ]
        assert len(match) == 1
        assert match[0]["uco-core:endTime"]["@value"] == authority.valid_until.strftime("%Y-%m-%dT%H:%M:%SZ")
    transfer = next(
        n for n in of_type(document, "case-investigation:InvestigativeAction") if n["uco-core:name"] == "transferred"
    )
    performer, participant = (
        by_id[transfer["uco-action:performer"]["@id"]],
        by_id[transfer["uco-action:participant"][0]["@id"]],
    )
    assert "Amina Benali" in performer["uco-core:name"] and "Claire Martin" in participant["uco-core:name"]
    for file_node in of_type(document, "uco-observable:File"):
        assert "blake3:" in file_node["uco-core:description"]


def test_export_is_deterministic(report: BundleReport) -> None:
    assert case_uco_bytes(report.contents) == case_uco_bytes(report.contents)
    assert json.loads(case_uco_bytes(report.contents)) == case_uco(report.contents)


def run_case_validate(path: Path) -> subprocess.CompletedProcess[str]:
    """``case_validate PATH`` with the default (latest bundled) CASE ontology, as the case-utils CLI runs it."""
    case_validate = tool("case_validate", directory=Path(sys.executable).parent)  # the case-utils of this Python
    return subprocess.run([case_validate, str(path)], capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def case_validate_available() -> None:
    pytest.importorskip("case_utils", reason="case-utils is not installed (pip install case-utils)")


@pytest.mark.external
def test_case_validate_accepts_the_export(report: BundleReport, tmp_path: Path, case_validate_available: None) -> None:
    path = tmp_path / "bundle.jsonld"
    path.write_bytes(case_uco_bytes(report.contents))
    result = run_case_validate(path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Conforms: True" in result.stdout


@pytest.mark.external
def test_case_validate_refuses_a_broken_export(
    report: BundleReport, tmp_path: Path, case_validate_available: None
) -> None:
    """The oracle is strict: a hash method outside UCO's vocabulary (why BLAKE3 goes in the description) and a
    time that is not an xsd:dateTime both fail validation."""
    document = case_uco(report.contents)
    next(iter(of_type(document, "uco-types:Hash")))["uco-types:hashMethod"] = "BLAKE3"
    next(iter(of_type(document, "case-investigation:InvestigativeAction")))["uco-action:startTime"] = {
        "@type": "xsd:dateTime",
        "@value": "yesterday",
    }
    path = tmp_path / "broken.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = run_case_validate(path)
    assert result.returncode != 0
    assert "Conforms: False" in result.stdout
    assert "HashNameVocab" in result.stdout
