"""One verify contract for image, ledger and bundle: reports shaped as evidence.common.report.Report, one failure."""

from __future__ import annotations

import pytest

from custody.bundle.outcome import BundleReport, Contents, Finding
from custody.ledger.report import LedgerReport
from evidence.acquisition.verify import DigestCheck, VerificationReport
from evidence.common.errors import IntegrityError
from evidence.common.report import Report, VerificationError


def test_the_base_is_abstract_and_every_verify_report_derives_from_it() -> None:
    with pytest.raises(TypeError, match="abstract"):
        Report()  # type: ignore[abstract]
    assert issubclass(VerificationReport, Report) and issubclass(LedgerReport, Report)
    assert issubclass(BundleReport, Report)


def test_a_failed_report_raises_verification_error_carrying_it_with_exit_code_3() -> None:
    bad = DigestCheck(subject="media", algorithm="sha256", expected="aa" * 32, computed="bb" * 32)
    reports: list[Report] = [
        VerificationReport(image="disk.raw", record=None, format="raw", media_size=1, checks=(bad,)),
        LedgerReport(
            path="case.ledger",
            origin="o",
            case="c",
            vkey="k",
            key_trusted=True,
            entries=3,
            events=1,
            checkpoints=3,
            findings=("entry 2: changed row", "entry 3: changed row"),
        ),
        BundleReport(
            findings=(Finding("file.bad", False, {"path": "x.E01", "sha256": "00" * 32}),),
            contents=Contents(),
            name="b.json",
        ),
    ]
    messages = []
    for report in reports:
        assert not report.ok and report.results
        with pytest.raises(VerificationError) as caught:
            report.raise_for_failure()
        assert caught.value.report is report and caught.value.exit_code == 3
        assert isinstance(caught.value, IntegrityError)
        assert str(caught.value) == report.failure_message()
        assert str(caught.value).startswith(f"{report.subject}: ") and "\n" not in str(caught.value)
        messages.append(str(caught.value))
    assert f"expected sha256:{'aa' * 32}, got sha256:{'bb' * 32}" in messages[0]  # both values, as sigstore
    assert messages[1] == "case.ledger: entry 2: changed row (and 1 more)"
    assert messages[2] == (
        "b.json: bundle NOT VERIFIED: 1 check failed (file.bad); "
        f"File x.E01 matches no item of the bundle (its SHA-256 is {'00' * 32})"
    )


def test_an_empty_verification_is_not_a_pass() -> None:
    assert not VerificationReport(image="x", record=None, format="raw", media_size=0).ok
    assert not BundleReport(findings=(Finding("checkpoint.ok", True),), contents=Contents()).ok  # no event
