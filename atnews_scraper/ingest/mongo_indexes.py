"""The MongoDB indexes of the archive's collections, created when a store opens."""

from __future__ import annotations

import logging
from typing import Any

from pymongo import ASCENDING, TEXT
from pymongo.database import Database
from pymongo.errors import OperationFailure

from atnews_scraper.database import ARTICLE_REVISIONS, ARTICLES, REJECTS

log = logging.getLogger(__name__)

# name, keys, options: created at start-up; creating an existing index is a no-op.
INDEXES: tuple[tuple[str, str, list[tuple[str, Any]], dict[str, Any]], ...] = (
    (ARTICLES, "url_1", [("url", ASCENDING)], {"unique": True}),
    (ARTICLES, "post_id_1", [("post_id", ASCENDING)], {"unique": True, "sparse": True}),
    (ARTICLES, "published_at_1", [("published_at", ASCENDING)], {}),
    (ARTICLES, "categories_1", [("categories", ASCENDING)], {}),
    (ARTICLES, "tags_1", [("tags", ASCENDING)], {}),
    (ARTICLES, "authors_1", [("authors", ASCENDING)], {}),
    (ARTICLES, "url_aliases_1", [("url_aliases", ASCENDING)], {}),
    (ARTICLES, "content_hash_1", [("content_hash", ASCENDING)], {}),
    (ARTICLE_REVISIONS, "article_id_1_revision_1", [("article_id", 1), ("revision", 1)], {}),
    (REJECTS, "url_1", [("url", ASCENDING)], {}),
)
TEXT_INDEX = (ARTICLES, "title_text_body_text", [("title", TEXT), ("body", TEXT)])


def ensure_indexes(database: Database) -> list[str]:
    """Create every index (idempotent); returns notes on what the server could not do."""
    for collection, name, keys, options in INDEXES:
        database[collection].create_index(keys, name=name, **options)
    collection, name, keys = TEXT_INDEX
    try:
        database[collection].create_index(keys, name=name)
    except OperationFailure as exc:
        note = (
            f"the server has no text indexes ({exc.details.get('errmsg') if exc.details else exc}):"
            " search uses the portable regex fallback"
        )
        log.info(note)
        return [note]
    return []
