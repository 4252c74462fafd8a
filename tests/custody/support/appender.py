"""A separate process that appends custody events, printing each id once its append is committed.

Run by the concurrency tests: ``python -m tests.custody.support.appender LEDGER LEDGER_KEY HANDLER_KEY COUNT TAG``.
The passphrase comes from SCELLE_PASSPHRASE.
"""

from __future__ import annotations

import hashlib
import os
import sys

from custody.ledger.drafts import EventDraft
from custody.ledger.ledger import Ledger
from custody.model.keys import load_private_key
from custody.model.records import Artefact
from tests.custody.support.factories import utc


def main(ledger_path: str, ledger_key: str, handler_key: str, count: int, tag: str) -> None:
    passphrase = os.environ["SCELLE_PASSPHRASE"].encode()
    key = load_private_key(ledger_key, passphrase)
    handler = load_private_key(handler_key, passphrase)
    with Ledger.open(ledger_path, ledger_key=key) as ledger:
        for i in range(count):
            item = Artefact(digests={"sha256": hashlib.sha256(f"{tag}-{i % 5}".encode()).hexdigest()})
            draft = EventDraft(
                action="acquired",
                artefacts=(item,),
                occurred_at=utc(2026, 3, 3, 9),
                occurred_tz="Z",
                authorities=("au-ma-order",),
                categories=("content",),
            )
            appended = ledger.record(handler, draft, now=utc(2026, 3, 3, 10))
            sys.stdout.write(appended.entry.entry_id + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
