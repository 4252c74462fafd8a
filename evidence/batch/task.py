"""What a worker runs for one image of a batch: the same library call as the single-image command, as JSON.

``verify_task`` calls ``verify_image`` as ``scelle verify`` does and ``hash_task`` ``digest_media`` as ``scelle image
hash`` does, so a batch gives each image the result the command would: ``status`` ``match`` / ``mismatch`` (with
the report ``verify --json`` prints) or ``hashed``, else ``error`` with the one line the command would print and its
exit code. An image that cannot be read is a result, never an exception: the batch goes on. The result also says
which worker read the image (host, process, its peak memory) and when the reading started (the custody event's
time).
"""

from __future__ import annotations

import os
import resource
import socket
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from evidence.acquisition.verify import VerificationReport, verify_image
from evidence.common.errors import EvidenceError
from evidence.common.messages import error_text, message
from evidence.common.reasons import os_reason
from evidence.common.report import VerificationError
from evidence.hashing.streams import digest_media
from evidence.sources import open_image

#: the exit code of ``scelle verify`` / ``scelle image hash`` for each status
EXIT_CODES = {"match": 0, "hashed": 0, "mismatch": 3}


def verify_task(image: str, lang: str = "en") -> dict[str, Any]:
    """Verify ``image`` against its acquisition record or stored hashes, as ``scelle verify IMAGE --json``."""
    return _run(image, lang, lambda path: _verify(path, lang))


def hash_task(image: str, lang: str = "en") -> dict[str, Any]:
    """The media digests of ``image``, as ``scelle image hash IMAGE --json`` prints them."""
    return _run(image, lang, _hash)


def _verify(image: str, lang: str) -> dict[str, Any]:
    try:
        report = verify_image([image])
    except VerificationError as exc:
        if not isinstance(exc.report, VerificationReport):
            raise
        return {
            "status": "mismatch",
            "report": exc.report.to_json(),
            "error": " ".join(exc.report.failure_message(lang).split()),
        }
    return {"status": "match", "report": report.to_json()}


def _hash(image: str) -> dict[str, Any]:
    with open_image([image]) as source:
        digests = digest_media(source)
    return {"status": "hashed", "hash": {"size": digests.size, **{k: f"{k}:{v}" for k, v in digests.items()}}}


def _run(image: str, lang: str, body: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    started = datetime.now(UTC)
    clock = time.monotonic()
    try:
        outcome = body(image)
        outcome["exit_code"] = EXIT_CODES[outcome["status"]]
    except (EvidenceError, OSError) as exc:  # what `scelle verify` states in one line: the batch goes on
        text = error_text(exc, lang)
        if isinstance(exc, OSError) and not isinstance(exc, EvidenceError):  # as the CLI states an OS error
            reason = os_reason(exc)
            text = message("file.os", lang, path=exc.filename, reason=reason) if exc.filename else reason.text(lang)
        code = exc.exit_code if isinstance(exc, EvidenceError) else 1
        outcome = {"status": "error", "exit_code": code, "error": " ".join(text.split())}
    return {
        "image": image,
        **outcome,
        "started": started.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "elapsed_ms": round((time.monotonic() - clock) * 1000),
        "worker": worker_identity(),
    }


def worker_identity() -> dict[str, Any]:
    """The host and process that read the image, and that process's peak resident memory so far (KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "peak_rss_kib": peak // 1024 if sys.platform == "darwin" else peak,
    }
