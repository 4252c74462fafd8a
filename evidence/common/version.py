"""The version recorded in acquisition records, E01 headers and custody events (kept equal to pyproject.toml)."""

TOOL_NAME = "scelle"
__version__ = "0.1.0"
