"""Counts of articles by day, week, month, category, tag or author; and field coverage.

Everything is computed portably: FerretDB 1.24 has no ``$dateToString`` / ``$year``, so one
projected cursor (only the fields the grouping needs) streams to the client, which buckets it.
Dates are bucketed in Kabul time (the paper's clock); weeks are ISO weeks ("2022-W37"), starting
on Monday. Between the first and last bucket, empty days/weeks/months are listed with 0 so that
gaps show, unless that would list more than ``MAX_FILLED_BUCKETS`` (a stored date in year 1 or
9999): then only the non-empty buckets are listed. A moment whose Kabul day is past year 9999 is
bucketed by its UTC day. Articles without a date are counted under "(no date)".

By author: each name in ``authors``; an article with no named author counts under its
``byline`` (e.g. "AT News"), else under "(none)". By category or tag: each one of an article's
categories or tags (an article can count under several); none at all counts under "(none)".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo.database import Database
from pymongo.errors import OperationFailure

from atnews_scraper.analysis.articles import articles, refused
from atnews_scraper.analysis.filters import combine
from atnews_scraper.sequences import unique
from atnews_scraper.timestamps import KABUL

TIME_GROUPINGS = ("day", "week", "month")
VALUE_GROUPINGS = ("category", "tag", "author")
GROUPINGS = TIME_GROUPINGS + VALUE_GROUPINGS
NO_DATE = "(no date)"
NONE = "(none)"
MAX_FILLED_BUCKETS = 100_000  # 270 years of days


@dataclass(frozen=True)
class Bucket:
    label: str
    count: int
    start: dt.date | None = None  # first day of a time bucket; None otherwise


def bucket_start(moment: dt.datetime, by: str) -> dt.date:
    """The first day (Kabul time) of the day, ISO week or month that contains the moment."""
    try:
        day = moment.astimezone(KABUL).date()
    except OverflowError:  # the calendar's last hours in UTC are past year 9999 in Kabul
        day = moment.astimezone(dt.UTC).date()
    if by == "week":
        return day - dt.timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def next_start(start: dt.date, by: str) -> dt.date:
    if by == "day":
        return start + dt.timedelta(days=1)
    if by == "week":
        return start + dt.timedelta(weeks=1)
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


def bucket_span(first: dt.date, last: dt.date, by: str) -> int:
    """How many buckets from first to last, both included."""
    if by == "month":
        return (last.year - first.year) * 12 + last.month - first.month + 1
    days = (last - first).days
    return days // 7 + 1 if by == "week" else days + 1


def bucket_label(start: dt.date, by: str) -> str:
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if by == "month":
        return f"{start.year:04d}-{start.month:02d}"  # strftime gives "1-01" for year 1
    return start.isoformat()


def time_buckets(dates: Iterable[Any], by: str) -> list[Bucket]:
    """Chronological buckets, gaps filled with 0, then "(no date)" when some have no date."""
    counts: Counter[dt.date] = Counter()
    undated = 0
    for moment in dates:
        if not isinstance(moment, dt.datetime):  # missing, null, or not stored as a date
            undated += 1
        else:
            counts[bucket_start(moment, by)] += 1
    return filled_buckets(counts, undated, by)


def filled_buckets(counts: Mapping[dt.date, int], undated: int, by: str) -> list[Bucket]:
    """Buckets from first to last start, gaps filled with 0 unless that would list more than
    MAX_FILLED_BUCKETS, then "(no date)" when ``undated``."""
    buckets: list[Bucket] = []
    if counts:
        start, last = min(counts), max(counts)
        if bucket_span(start, last, by) > MAX_FILLED_BUCKETS:
            days = sorted(counts)
        else:
            days = [start]
            while days[-1] < last:  # no next bucket is asked for after the last (9999-12)
                days.append(next_start(days[-1], by))
        buckets = [Bucket(bucket_label(day, by), counts.get(day, 0), day) for day in days]
    if undated:
        buckets.append(Bucket(NO_DATE, undated))
    return buckets


def value_keys(document: Mapping[str, Any], by: str) -> list[str]:
    """The labels one article counts under, for a category, tag or author grouping."""
    if by == "author":
        names = _texts(document.get("authors"))
        return names or [document.get("byline") or NONE]
    return _texts(document.get("categories" if by == "category" else "tags")) or [NONE]


def _texts(value: Any) -> list[str]:
    """The distinct non-empty strings of a list field (a lone string counts as a list of one)."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return unique(str(item) for item in items if item)


def value_buckets(documents: Iterable[Mapping[str, Any]], by: str) -> list[Bucket]:
    """Buckets by count (largest first), then by label."""
    counts: Counter[str] = Counter()
    for document in documents:
        counts.update(value_keys(document, by))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Bucket(label, count) for label, count in ordered]


GROUPING_FIELDS = {
    "category": ("categories",),
    "tag": ("tags",),
    "author": ("authors", "byline"),
}


def _projected(
    database: Database, query: Mapping[str, Any], fields: Iterable[str]
) -> Iterator[dict[str, Any]]:
    projection = dict.fromkeys(fields, 1) | {"_id": 0}
    try:
        yield from articles(database).find(dict(query), projection, batch_size=2000)
    except OperationFailure as exc:
        raise refused(exc) from None


def count_by(database: Database, by: str, query: Mapping[str, Any]) -> list[Bucket]:
    if by in TIME_GROUPINGS:
        dates = (doc.get("published_at") for doc in _projected(database, query, ["published_at"]))
        return time_buckets(dates, by)
    return value_buckets(_projected(database, query, GROUPING_FIELDS[by]), by)


def _empty_text(name: str) -> dict[str, Any]:
    return {"$or": [{name: None}, {name: ""}]}


def _empty_list(name: str) -> dict[str, Any]:
    return {"$or": [{name: None}, {name: {"$size": 0}}]}


# field -> the filter matching records where it is empty (missing, null, "" or []).
EMPTY_FILTERS: dict[str, dict[str, Any]] = {
    "title": _empty_text("title"),
    "body": _empty_text("body"),
    "published_at": {"published_at": None},
    "authors": _empty_list("authors"),
    "categories": _empty_list("categories"),
    "tags": _empty_list("tags"),
    "check_also": {"check_also": None},
}


@dataclass(frozen=True)
class Coverage:
    field: str
    empty: int
    total: int

    @property
    def share_empty(self) -> float:
        return round(self.empty / self.total, 4) if self.total else 0.0


def coverage(database: Database, query: Mapping[str, Any]) -> list[Coverage]:
    """For each field of EMPTY_FILTERS, how many of the matching records have it empty."""
    collection = articles(database)
    try:
        total = collection.count_documents(dict(query))
        return [
            Coverage(name, collection.count_documents(combine(dict(query), empty)), total)
            for name, empty in EMPTY_FILTERS.items()
        ]
    except OperationFailure as exc:
        raise refused(exc) from None
