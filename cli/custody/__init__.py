"""The ``scelle custody`` commands: keys, ledgers, events, transfers, bundles."""
