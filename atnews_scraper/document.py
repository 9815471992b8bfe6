"""Kept for code written before the rename to stored_document.py (issue 14)."""

from atnews_scraper.stored_document import *  # noqa: F403  # old name of stored_document
