"""What the first bytes of a segment file say about its container, without loading any container library.

``open_image`` reads eight bytes and looks them up here: raw images never import libewf, nor the EWF layout parser.
"""

from __future__ import annotations

#: EWF version 1 segment files: EVF (E01, S01) and LVF (L01)
EWF1_SIGNATURES = (b"EVF\x09\x0d\x0a\xff\x00", b"LVF\x09\x0d\x0a\xff\x00")
#: every EWF segment file: version 1, and EVF2 (Ex01) and LEF2 (Lx01)
EWF_SIGNATURES = (*EWF1_SIGNATURES, b"EVF2\x0d\x0a\x81\x00", b"LEF2\x0d\x0a\x81\x00")
