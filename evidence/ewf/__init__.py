"""The EWF (E01) format: its structures, shared by the reader and the writer; sections, chunks, writer and sink."""
