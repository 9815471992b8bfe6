"""Kept for code written before the rename to database.py (issue 14)."""

from atnews_scraper.database import *  # noqa: F403  # old name of database
