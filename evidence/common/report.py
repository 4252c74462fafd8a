"""One verification contract for images, ledgers and bundles: a report with ``ok``, and one way to fail.

``evidence.verify_image``, ``custody.verify_ledger`` and ``custody.verify_bundle`` each return a ``Report`` subclass
(``VerificationReport``, ``LedgerReport``, ``BundleReport``) that keeps its own detail fields and answers the same
four questions: what was verified (``subject``), what each check found (``results``), whether everything held
(``ok``), and, when it did not, one line saying why (``failure_message``).

They fail closed, as sigstore-python's ``verify`` does: a report is returned only when ``ok`` is true; otherwise
``VerificationError`` is raised carrying the report (``exc.report``), so a caller that forgets to look at the result
cannot take a failure for a pass, and one that wants every finding (to render a report of the refusal) has them.
``raise_for_failure`` is that rule, for a report built or kept by other means.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from evidence.common.errors import IntegrityError


class Report(ABC):
    """The shape shared by every verification report; subclasses are frozen dataclasses with their details."""

    __slots__ = ()

    @property
    @abstractmethod
    def subject(self) -> str:
        """What was verified: an image, a ledger or a bundle file (as the caller named it)."""

    @property
    @abstractmethod
    def results(self) -> Sequence[object]:
        """Every check made, passed or failed, in the order it was made."""

    @property
    @abstractmethod
    def ok(self) -> bool:
        """True only when something was checked and nothing failed (an empty verification is not a pass)."""

    @abstractmethod
    def failure_message(self) -> str:
        """One line naming the subject and what failed (the first failures, and how many there are)."""

    def raise_for_failure(self) -> None:
        """Raise ``VerificationError`` carrying this report unless ``ok``."""
        if not self.ok:
            raise VerificationError(self)


class VerificationError(IntegrityError):
    """A verification found a mismatch; ``report`` holds every check. Exit code 3, like every integrity failure.
    ``text`` states it for a person (in their language, times in their zone); by default, the English
    ``failure_message``."""

    def __init__(self, report: Report, text: str | None = None) -> None:
        self.report = report
        super().__init__(report.failure_message() if text is None else text)
