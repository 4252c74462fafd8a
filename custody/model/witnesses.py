"""The witnesses a verifier trusts and how many of them must have cosigned a checkpoint (``--witness-quorum``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from custody.i18n import message
from custody.tlog.cosignature import WitnessKey, parse_witness_vkey
from custody.tlog.notes import NoteError
from evidence.common.errors import UsageError


@dataclass(frozen=True, slots=True)
class WitnessPolicy:
    """Trusted witness keys and the quorum: a checkpoint counts only with ``quorum`` of their valid cosignatures."""

    keys: tuple[WitnessKey, ...] = ()
    quorum: int = 0


def witness_policy(
    witness: Iterable[str | WitnessKey] | None = (), quorum: int | None = None, lang: str = "en"
) -> WitnessPolicy:
    """Read witness verifier keys (``name+keyid+base64(0x04 || key)``) and check the quorum (default: all of them).

    A malformed key, or a quorum below 1 or above the number of keys, is a ``UsageError``."""
    try:
        keys = tuple(w if isinstance(w, WitnessKey) else parse_witness_vkey(w) for w in witness or ())
    except NoteError as exc:
        raise UsageError(str(exc)) from exc
    if quorum is not None and (isinstance(quorum, bool) or not 1 <= quorum <= len(keys)):
        raise UsageError(message("witness.quorum_usage", lang, quorum=quorum, count=len(keys)))
    return WitnessPolicy(keys, len(keys) if quorum is None else quorum)
