"""The one switch for the custody fast paths: shortcuts that give the same answers as the plain code, only sooner.

Each one was measured with ``benchmarks/ledger.py`` (a 10 000-event ledger verified with the switch on and off);
only those that pay for themselves are kept:

* ``custody.ledger.verify._CheckpointKey.fast_check``: a checkpoint as scelle writes it is compared as text, not
  parsed as a signed note (about a fifth of the verification time);
* ``custody.model.fields.memoised``: a handler or artefact is parsed once per distinct JSON value (about 13 %);
* ``custody.ledger.verify``'s deferred pass: signatures verified in batches, not between two leaves (about 6 %);
* ``custody.model.leafform.EVENT_LEAF``: an event leaf read by one regular expression (about 6 %);
* ``custody.bundle.fastread``: an offer file's event leaves cut out of its text, not decoded and encoded twice
  (``benchmarks/handover.py``: reading a 10 000-event offer, 0.73 s down to 0.27 s);
* ``custody.bundle.fastread`` also reads those entries whole (index, leaf, proof hashes) and hands each leaf's
  ``EVENT_LEAF`` match to ``custody.model.entries.parse_leaf``, so no leaf is matched twice (reading a 10 000-event
  offer: 0.17 s down to 0.145 s; reading its leaves: 0.21 s down to 0.16 s);
* ``custody.bundle.verify._Verifier``: a bundle held in memory is parsed once, its second walk reusing the first
  walk's entries (a 10 000-event offer: one reading of 10 000 leaves, about 0.2 s, saved);
* ``custody.bundle.fastread`` walks the offer's bytes, not its text (the checkpoint's em dash made the decoded
  text two bytes a character), checks each proof list by where its quotes and commas stand, and takes the hashes a
  proof ends with alike the one before it from that one (reading a 10 000-event offer: about 0.135 s down to
  0.10 s, same run, loaded machine);
* ``custody.model.leafform.read_event``: the members an event shares with others (all but id, times, ``prev`` and
  signatures) are read and checked once per distinct text, and ``custody.model.records.Signature.known`` reads a
  known signer's signature without ``from_json`` (reading an event leaf from its match: about 16 µs down to 12 µs);
* ``custody.bundle.verify._Verifier``: a bundle held in memory has its signatures checked in one run and its chain
  in another, not alternating per entry (each run keeps its own code and data in the processor's caches);
* ``custody.model.times.check_zone``: the zone labels that read are remembered (about 1 µs per event);
* ``custody.tlog.inclusions.Inclusions``: a bundle's inclusion proofs share the hashing of their common upper
  paths (10 000 proofs: 0.13 s down to 0.06 s);
* ``collector_paused``: reading and checking an offer builds hundreds of thousands of small acyclic objects, and
  CPython's cyclic collector would walk the young ones again every 700 allocations; it is paused meanwhile
  (``benchmarks/handover.py``: about 0.06 s of CPU of 1.7 s for a 10 000-event offer).

``SCELLE_NO_FAST_PATHS=1`` in the environment turns them all off (read once, at import), so the tests can show that
the plain code gives the same results; ``.ci/run`` runs the custody tests both ways.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

ENABLED: bool = os.environ.get("SCELLE_NO_FAST_PATHS") != "1"
"""False when ``SCELLE_NO_FAST_PATHS=1``: every fast path takes the plain way."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block of bulk parsing and checking (a fast path: the memory freed by
    reference counting is the same; only cycles wait for the next collection). The collector is enabled again after
    the block only if it was enabled before it, so nested or concurrent pauses leave it as they found it."""
    if not ENABLED or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
