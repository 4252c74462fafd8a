"""The outcome of a verification that fails closed: the report a refusal carries (``VerificationError.report``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from evidence.common.report import VerificationError


def refused(call: Callable[[], object]) -> Any:
    """The report of the verification ``call`` runs, which must be refused with ``VerificationError``."""
    with pytest.raises(VerificationError) as caught:
        call()
    assert not caught.value.report.ok
    return caught.value.report


def outcome(call: Callable[[], Any]) -> Any:
    """The report of the verification ``call`` runs, whether it passed (returned) or was refused (raised)."""
    try:
        return call()
    except VerificationError as exc:
        return exc.report
