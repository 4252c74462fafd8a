"""Reading an image the way The Sleuth Kit does: volumes, file systems, entries, timelines, extraction."""
