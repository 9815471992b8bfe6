"""`atnews stats` on the index: the same buckets and coverage as analysis/stats.py, by SQL."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Mapping
from typing import Any

from atnews_scraper.analysis.stats import (
    EMPTY_FILTERS,
    NONE,
    TIME_GROUPINGS,
    Bucket,
    Coverage,
    filled_buckets,
)
from atnews_scraper.index.query_sql import to_condition


def day_start(day: dt.date, by: str) -> dt.date:
    if by == "week":
        return day - dt.timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def count_by(connection: sqlite3.Connection, by: str, query: Mapping[str, Any]) -> list[Bucket]:
    where = to_condition(query)
    if by in TIME_GROUPINGS:
        return time_buckets(connection, by, where.text, where.params)
    # Without a filter the counts come from the child table's own index, with no join.
    joined = "JOIN articles a ON a.id = c.article_id" if query else ""
    if by == "author":
        sql = (
            f"SELECT c.value, count(*) FROM article_authors c {joined} "
            f"WHERE {where.text} GROUP BY c.value "
            "UNION ALL SELECT coalesce(nullif(a.byline, ''), ?), count(*) FROM articles a "
            f"WHERE NOT EXISTS (SELECT 1 FROM article_authors c WHERE c.article_id = a.id) "
            f"AND {where.text} GROUP BY 1"
        )
        params = [*where.params, NONE, *where.params]
    else:
        table = "article_categories" if by == "category" else "article_tags"
        sql = (
            f"SELECT c.value, count(*) FROM {table} c {joined} "
            f"WHERE {where.text} GROUP BY c.value "
            f"UNION ALL SELECT ?, count(*) FROM articles a WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} c WHERE c.article_id = a.id) AND {where.text}"
        )
        params = [*where.params, NONE, *where.params]
    counts: Counter[str] = Counter()
    for label, count in connection.execute(sql, params):
        if count:
            counts[label] += count
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Bucket(label, count) for label, count in ordered]


def time_buckets(
    connection: sqlite3.Connection, by: str, where: str, params: list[Any]
) -> list[Bucket]:
    counts: Counter[dt.date] = Counter()
    undated = 0
    sql = f"SELECT a.published_day, count(*) FROM articles a WHERE {where} GROUP BY 1"
    for day, count in connection.execute(sql, params):
        if day is None:
            undated += count
        else:
            counts[day_start(dt.date.fromisoformat(day), by)] += count
    return filled_buckets(counts, undated, by)


def coverage(connection: sqlite3.Connection, query: Mapping[str, Any]) -> list[Coverage]:
    """Each EMPTY_FILTERS count and the total, in one pass over the matching articles."""
    where = to_condition(query)
    empties = [to_condition(empty) for empty in EMPTY_FILTERS.values()]
    sums = ", ".join(f"coalesce(sum(CASE WHEN {e.text} THEN 1 ELSE 0 END), 0)" for e in empties)
    params = [p for e in empties for p in e.params] + list(where.params)
    total, *counts = connection.execute(
        f"SELECT count(*), {sums} FROM articles a WHERE {where.text}", params
    ).fetchone()
    return [
        Coverage(name, int(count), int(total))
        for name, count in zip(EMPTY_FILTERS, counts, strict=True)
    ]
