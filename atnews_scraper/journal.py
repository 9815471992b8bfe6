"""The write journal: records that could not be stored wait here for the next run (issue 6)."""

from __future__ import annotations

from pymongo.database import Database

from atnews_scraper.config import Config


def flush_journal(config: Config, database: Database) -> int:
    """Write every journalled record to the database exactly once; returns how many."""
    return 0
