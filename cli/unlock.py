"""The secret of ``--unlock``: asked on the terminal, taken from ``SCELLE_UNLOCK_PASSPHRASE``, or read from a key file.

It is handed to the library as bytes and never printed, logged or recorded: what a command reports is which key slot
opened the volume.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cli.options import UNLOCK_META
from evidence.common.messages import LocalisedImageError, LocalisedUsageError
from evidence.common.reasons import os_reason

ENVIRONMENT = "SCELLE_UNLOCK_PASSPHRASE"


def unlock_secret(image: str) -> bytes | None:
    """The secret ``--unlock`` names for the current command, or None when it was not given."""
    context = click.get_current_context(silent=True)
    spec = None if context is None else context.find_root().meta.get(UNLOCK_META) or context.meta.get(UNLOCK_META)
    if spec is None:
        return None
    if spec in ("passphrase", "password"):
        if ENVIRONMENT in os.environ:
            return os.environ[ENVIRONMENT].encode("utf-8")
        if not sys.stdin.isatty():
            raise LocalisedImageError("luks.no_secret")
        from getpass import getpass

        from cli.language import message_language

        prompt = "Phrase secrète LUKS de {} : " if message_language() == "fr" else "LUKS passphrase for {}: "
        return getpass(prompt.format(image)).encode("utf-8")
    if spec.startswith("keyfile:"):
        path = Path(spec.removeprefix("keyfile:"))
        try:
            return path.read_bytes()
        except OSError as exc:
            raise LocalisedUsageError("unlock.keyfile", spec=spec, reason=os_reason(exc)) from exc
    raise LocalisedUsageError("unlock.spec", spec=spec)
