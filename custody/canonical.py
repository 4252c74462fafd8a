"""RFC 8785 canonical JSON for custody records (implemented once in ``evidence.canonical``)."""

from evidence.canonical import CanonicalError, decode, encode, is_canonical

__all__ = ["CanonicalError", "decode", "encode", "is_canonical"]
