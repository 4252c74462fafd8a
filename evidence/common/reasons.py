"""A reason from below scelle as a ``Notice``, so that it is stated in the language of the sentence around it.

``os_reason`` gives an ``OSError``'s reason from the catalogue for the common kinds, else the system's words
(quoted in French); ``library_text`` quotes what a library (TSK, click) said, in French as « ... » after naming it.
"""

from __future__ import annotations

from evidence.common.messages import Notice
from evidence.common.os_messages import OS_REASONS


def os_reason(exc: OSError) -> Notice:
    """The reason of ``exc`` in the user's language (the catalogue's, by its ``errno``; else the system's words)."""
    code = OS_REASONS.get(exc.errno) if exc.errno is not None else None
    if code is not None:
        return Notice(code)
    return Notice("os.other", text=" ".join(str(exc.strerror or exc).split()))


def library_text(library: str, text: str) -> Notice:
    """What ``library`` (``tsk``, ``click``) said, as it said it: quoted and attributed in French."""
    return Notice(f"quote.{library}", text=" ".join(text.split()))
