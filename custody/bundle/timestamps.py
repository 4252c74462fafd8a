"""The RFC 3161 time-stamps a bundle carries of its checkpoint, checked offline against trusted TSA roots.

Each reply must cover the bundle's checkpoint (the imprint of ``custody.ledger.rfc3161``) and chain to a root given
by the verifier; each gives one finding (``timestamp.ok`` with the TSA's time, or ``timestamp.bad``). Trusted roots
and no time-stamp is one failed finding (``timestamp.none``): asking for a time and getting none is not a pass.
Without roots the replies are listed as not checked and give no finding, so nothing reads as verified.
"""

from __future__ import annotations

from collections.abc import Sequence

from custody.ledger.rfc3161 import TimestampCheck, TimestampError, TsaTrust, checkpoint_imprint, verify_reply
from custody.model.times import format_utc

Found = tuple[str, bool, dict[str, object]]


def check_bundle_timestamps(
    replies: Sequence[bytes], note: str, key_name: str, size: int, tsa: TsaTrust | None
) -> tuple[list[Found], list[TimestampCheck]]:
    """(findings as (code, ok, params), one check per reply) for the replies over the checkpoint ``note``."""
    if tsa is None:
        return [], [TimestampCheck(index=i, size=size, status="not checked") for i in range(len(replies))]
    if not replies:
        return [("timestamp.none", False, {})], []
    found: list[Found] = []
    checks: list[TimestampCheck] = []
    for index, reply in enumerate(replies):
        try:
            info = verify_reply(reply, checkpoint_imprint(note, key_name), tsa)
        except TimestampError as exc:
            found.append(("timestamp.bad", False, {"index": index, "detail": str(exc)}))
            checks.append(TimestampCheck(index=index, size=size, status="failed", code=exc.code, params=exc.params))
            continue
        found.append(("timestamp.ok", True, {"time": format_utc(info.time), "tsa": info.tsa}))
        checks.append(TimestampCheck(index=index, size=size, status="verified", time=info.time, tsa=info.tsa))
    return found, checks
