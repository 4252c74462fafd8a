"""Image sources: raw files and block devices, split raw sets, EWF (E01/Ex01/S01) sets."""
