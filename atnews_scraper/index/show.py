"""`atnews show` on the index: one article by post ID, shortlink or any URL, and its history."""

from __future__ import annotations

import sqlite3
from typing import Any

from atnews_scraper.analysis.show import article_key
from atnews_scraper.index.schema import document_from_json, record_from_json
from atnews_scraper.urls import UrlRules


def find_article(
    connection: sqlite3.Connection, key: str, rules: UrlRules
) -> tuple[str, dict[str, Any]] | None:
    """(the article's MongoDB key, its stored document) for a post ID or URL, else None."""
    post_id, urls = article_key(key, rules)
    if post_id is not None:
        sql = (
            "SELECT a.mongo_id, t.document FROM articles a JOIN article_texts t ON t.id = a.id "
            "WHERE a.post_id = ? ORDER BY a.id LIMIT 1"
        )
        row = connection.execute(sql, (post_id,)).fetchone()
    else:
        marks = ", ".join("?" * len(urls))
        sql = (
            "SELECT a.mongo_id, t.document FROM articles a JOIN article_texts t ON t.id = a.id "
            f"WHERE a.url IN ({marks}) OR EXISTS "
            f"(SELECT 1 FROM article_aliases c WHERE c.article_id = a.id AND c.value IN ({marks})) "
            "ORDER BY a.id LIMIT 1"
        )
        row = connection.execute(sql, [*urls, *urls]).fetchone()
    return None if row is None else (row[0], document_from_json(row[1]))


def find_revisions(connection: sqlite3.Connection, mongo_id: str) -> list[dict[str, Any]]:
    """Earlier versions, oldest first, as JSON-ready records (as analysis/show.py gives them)."""
    rows = connection.execute(
        "SELECT document FROM article_revisions WHERE article_mongo_id = ? ORDER BY revision",
        (mongo_id,),
    )
    return [record_from_json(text) for (text,) in rows]
