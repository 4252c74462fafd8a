"""Custody records: events, artefacts, handlers, keys, legal authorities, their fields, vocabularies and times."""
