"""Ingestion: validate, dedupe and store article records, keep raw pages, journal what fails.

docs/storage.md describes the collections, indexes, dedupe rules and the journal.
"""
