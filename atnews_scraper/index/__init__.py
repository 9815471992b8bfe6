"""The analysis index: a SQLite copy of the stored articles (FTS5 over title and body) that the
analyst commands and `atnews browse` read, kept in step with MongoDB through a change log.

MongoDB stays the system of record; docs/analysis-index.md describes the design.
"""
