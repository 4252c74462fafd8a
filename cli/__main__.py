"""Allow ``python -m cli`` (used by tests that run the CLI in a subprocess without installing it)."""

from cli.main import main

main()
