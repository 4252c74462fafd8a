"""scelle's custody layer: a signed, append-only ledger tied to handlers, time and legal authority."""
