"""`atnews stats` on the index: the same buckets and coverage as analysis/stats.py, by SQL."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Mapping
from typing import Any

from atnews_scraper.analysis.filters import combine
from atnews_scraper.analysis.stats import (
    EMPTY_FILTERS,
    NO_DATE,
    NONE,
    TIME_GROUPINGS,
    Bucket,
    Coverage,
    bucket_label,
    next_start,
)
from atnews_scraper.index.articles import count_matching
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
    if by == "author":
        sql = (
            f"SELECT c.value, count(*) FROM article_authors c JOIN articles a ON a.id = "
            f"c.article_id WHERE {where.text} GROUP BY c.value "
            "UNION ALL SELECT coalesce(nullif(a.byline, ''), ?), count(*) FROM articles a "
            f"WHERE NOT EXISTS (SELECT 1 FROM article_authors c WHERE c.article_id = a.id) "
            f"AND {where.text} GROUP BY 1"
        )
        params = [*where.params, NONE, *where.params]
    else:
        table = "article_categories" if by == "category" else "article_tags"
        sql = (
            f"SELECT c.value, count(*) FROM {table} c JOIN articles a ON a.id = c.article_id "
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
    buckets: list[Bucket] = []
    if counts:
        start, last = min(counts), max(counts)
        while start <= last:
            buckets.append(Bucket(bucket_label(start, by), counts[start], start))
            start = next_start(start, by)
    if undated:
        buckets.append(Bucket(NO_DATE, undated))
    return buckets


def coverage(connection: sqlite3.Connection, query: Mapping[str, Any]) -> list[Coverage]:
    total = count_matching(connection, query)
    return [
        Coverage(name, count_matching(connection, combine(dict(query), empty)), total)
        for name, empty in EMPTY_FILTERS.items()
    ]
