"""The record <-> stored document mapping: ISO 8601 strings in records, BSON dates in MongoDB."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from atnews_scraper.record import ArticleRecord
from atnews_scraper.timestamps import KABUL, parse_iso

DATE_FIELDS = ("published_at", "modified_at")


def record_to_document(record: ArticleRecord) -> dict[str, Any]:
    """The stored form of a record: dates become datetimes (UTC); everything else is kept."""
    return with_stored_dates(record, DATE_FIELDS)


def with_stored_dates(values: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The values with each named ISO 8601 string as a datetime in UTC (a naive one is Kabul
    time), as MongoDB stores dates."""
    document = dict(values)
    for name in names:
        value = document.get(name)
        if isinstance(value, str):
            document[name] = parse_iso(value, KABUL).astimezone(dt.UTC)
    return document


def document_to_record(document: Mapping[str, Any]) -> dict[str, Any]:
    """A stored document back as JSON-ready values: datetimes as ISO 8601 in Kabul time."""
    record: dict[str, Any] = {}
    for key, value in document.items():
        if key == "_id":
            continue
        record[key] = to_json_value(value)
    return record


def to_json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        try:
            return aware.astimezone(KABUL).isoformat()
        except OverflowError:  # Kabul time of the calendar's last hours is past year 9999
            return aware.astimezone(dt.UTC).isoformat()
    if isinstance(value, Mapping):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json_value(v) for v in value]
    return value
