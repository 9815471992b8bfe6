"""Reading articles from the index as MongoDB would return them: filter, sort, fields, limit."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from atnews_scraper.analysis.fields import select_fields
from atnews_scraper.index.query_sql import order_by, to_condition
from atnews_scraper.index.schema import document_from_json

FETCH_BATCH = 1000


def find_documents(
    connection: sqlite3.Connection,
    query: Mapping[str, Any],
    fields: Sequence[str] | None,
    sort: Sequence[tuple[str, int]] | None = (("published_at", -1),),
    limit: int = 0,
) -> Iterator[dict[str, Any]]:
    """Stored documents matching the filter (dates as datetimes, no ``_id``), streamed.

    ``sort=None`` reads in storage order (the order MongoDB stored them in).
    """
    where = to_condition(query)
    order = order_by(list(sort)) if sort else "a.id"
    sql = (
        f"SELECT t.document FROM articles a JOIN article_texts t ON t.id = a.id "
        f"WHERE {where.text} ORDER BY {order}"
    )
    params = list(where.params)
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    cursor = connection.execute(sql, params)
    try:
        while rows := cursor.fetchmany(FETCH_BATCH):
            for (text,) in rows:
                document = document_from_json(text)
                yield select_fields(document, fields) if fields else document
    finally:
        cursor.close()


def count_matching(connection: sqlite3.Connection, query: Mapping[str, Any]) -> int:
    where = to_condition(query)
    (count,) = connection.execute(
        f"SELECT count(*) FROM articles a WHERE {where.text}", where.params
    ).fetchone()
    return int(count)
