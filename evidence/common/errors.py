"""One error tree for the whole library.

Every failure a user can cause (bad image, bad option, wrong key, tampered ledger) is an `EvidenceError`. Third-party
errors are converted at the edge with ``raise ... from exc``; the CLI maps the root to a one-line message and an exit
code (see ``cli.main``), so a user never sees a traceback for bad input.
"""

from __future__ import annotations


class EvidenceError(Exception):
    """Root of every error scelle raises on purpose.

    ``exit_code`` is what the CLI returns for it: 1 for "could not do it", 3 for "done, and the evidence does not
    match" (integrity and verification failures), 4 for "done, but entries had to be left out" (a partial
    listing or extraction), so scripts can tell them apart.
    """

    exit_code = 1
    kind = "error.kind.other"
    """What the error is about, a catalogue code: the command line states it in the user's language before an
    error text the library states only in English (``evidence.common.messages.error_text``)."""


class UsageError(EvidenceError):
    """An option or argument that makes no sense (bad size, unknown algorithm, ...)."""

    kind = "error.kind.usage"


class ImageError(EvidenceError):
    """An image cannot be opened or read: missing, truncated, corrupt segment, unknown format."""

    kind = "error.kind.image"


class DamagedImageError(ImageError):
    """The image is cut short or damaged (a truncated E01 segment, a corrupt section chain): the evidence as stored
    does not hold together, which is exit code 3 like a digest mismatch, not 1 ("could not do it")."""

    kind = "error.kind.damaged"

    exit_code = 3


class VolumeError(ImageError):
    """A partition table is unreadable, or a partition lies outside the image."""

    kind = "error.kind.volume"


class FileSystemError(ImageError):
    """No file system is recognised, or an entry cannot be read."""

    kind = "error.kind.fs"


class EntryNotFoundError(FileSystemError):
    """A path or inode asked for does not exist in the file system."""

    kind = "error.kind.not_found"


class ExtractionError(EvidenceError):
    """Extracted data cannot be written safely under the target directory."""

    kind = "error.kind.extraction"


class AcquisitionError(EvidenceError):
    """Acquisition failed: the source or the output could not be read or written."""

    kind = "error.kind.acquisition"


class IntegrityError(EvidenceError):
    """Data does not match its recorded digest or its expected size."""

    kind = "error.kind.integrity"

    exit_code = 3


class PartialError(EvidenceError):
    """A listing or extraction finished, but had to leave entries or content out (the message says what).

    What could be read was listed or written; exit code 4 tells a script the result is not complete, never 0.
    """

    kind = "error.kind.partial"

    exit_code = 4
