"""FILTER_JSON -> a safe MongoDB filter: JSON errors with their position, dates converted.

ISO 8601 strings under a date field (published_at, first_seen_at, ...) become datetimes,
including inside operators (``{"published_at": {"$gte": "2022-09-01"}}``, ``$in`` lists) and
inside ``$and`` / ``$or`` / ``$nor`` / ``$not``. A date without an offset is Kabul time (+04:30),
the paper's own clock. Server-side JavaScript and write-like stages are refused.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from atnews_scraper.analysis.fields import DATE_FIELDS
from atnews_scraper.document import parse_iso
from atnews_scraper.errors import ConfigError

FORBIDDEN_OPERATORS = ("$where", "$function", "$accumulator", "$merge", "$out")
LOGICAL_OPERATORS = ("$and", "$or", "$nor")
SNIPPET_RADIUS = 20


def parse_filter(text: str, option: str = "FILTER_JSON") -> dict[str, Any]:
    """The filter as a dict ready for pymongo; ConfigError for anything unsafe or malformed."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{option} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno} "
            f"(character {exc.pos + 1}): {_snippet(text, exc.pos)}; "
            'write a JSON object, e.g. \'{"categories": "Editorial"}\''
        ) from None
    if not isinstance(value, dict):
        raise ConfigError(
            f"{option} must be a JSON object, got {type(value).__name__}; "
            "write e.g. '{\"tags\": \"Taliban\"}' or '{}' for everything"
        )
    _refuse_forbidden(value, option)
    return _convert_dates(value, field=None, option=option)


def _snippet(text: str, position: int) -> str:
    start = max(0, position - SNIPPET_RADIUS)
    before = text[start:position].replace("\n", " ")
    after = text[position : position + SNIPPET_RADIUS].replace("\n", " ")
    return f"...{before}>>>{after}..." if start else f"{before}>>>{after}..."


def _refuse_forbidden(value: Any, option: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in FORBIDDEN_OPERATORS:
                raise ConfigError(
                    f"{option}: {key} is not allowed (server-side JavaScript and write "
                    "stages are refused: these commands only read); use plain query operators "
                    "such as $eq, $in, $gte, $regex"
                )
            _refuse_forbidden(item, option)
    elif isinstance(value, list):
        for item in value:
            _refuse_forbidden(item, option)


def _convert_dates(value: Any, field: str | None, option: str) -> Any:
    """Walk the filter; ``field`` is the document field the current value applies to."""
    if isinstance(value, dict):
        converted: dict[str, Any] = {}
        for key, item in value.items():
            if key in LOGICAL_OPERATORS and isinstance(item, list):
                converted[key] = [_convert_dates(part, None, option) for part in item]
            elif key.startswith("$"):
                converted[key] = _convert_dates(item, field, option)
            else:
                converted[key] = _convert_dates(item, key, option)
        return converted
    if isinstance(value, list):
        return [_convert_dates(item, field, option) for item in value]
    if isinstance(value, str) and field in DATE_FIELDS:
        return parse_date(value, f"{option} {field}")
    return value


def parse_date(text: str, where: str) -> dt.datetime:
    """An ISO 8601 date or date-time (Kabul time when no offset) as a UTC datetime."""
    try:
        return parse_iso(text.strip()).astimezone(dt.UTC)
    except ValueError:
        raise ConfigError(
            f"{where}: {text!r} is not an ISO 8601 date; "
            "write e.g. 2022-09-01 or 2022-09-01T08:30:00+04:30"
        ) from None


def is_date_only(text: str) -> bool:
    return "T" not in text.strip() and " " not in text.strip()


def date_range(since: str | None, until: str | None, field: str = "published_at") -> dict[str, Any]:
    """A filter for --since (inclusive) and --until (inclusive; a bare date covers that day)."""
    bounds: dict[str, dt.datetime] = {}
    if since:
        bounds["$gte"] = parse_date(since, "--since")
    if until:
        end = parse_date(until, "--until")
        if is_date_only(until):
            bounds["$lt"] = end + dt.timedelta(days=1)
        else:
            bounds["$lte"] = end
    return {field: bounds} if bounds else {}


def combine(*filters: dict[str, Any]) -> dict[str, Any]:
    """All the non-empty filters at once ($and), or the single one, or {}."""
    parts = [part for part in filters if part]
    if not parts:
        return {}
    return parts[0] if len(parts) == 1 else {"$and": parts}
