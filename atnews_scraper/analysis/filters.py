"""FILTER_JSON -> a safe MongoDB filter: JSON errors with their position, dates converted.

ISO 8601 strings under a date field (published_at, first_seen_at, ...) become datetimes,
including inside operators (``{"published_at": {"$gte": "2022-09-01"}}``, ``$in`` lists) and
inside ``$and`` / ``$or`` / ``$nor`` / ``$not``. A date without an offset is Kabul time (+04:30),
the paper's own clock. Server-side JavaScript and write-like stages are refused. A date whose
UTC time falls outside years 1-9999 (``0001-01-01`` in Kabul time) is clamped to the calendar's
end, so a bound at either end matches everything on that side. Nesting deeper than MongoDB's
limit (``MAX_DEPTH``) and integers that do not fit BSON's 64 bits are refused with one line.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from typing import Any

from atnews_scraper.analysis.fields import DATE_FIELDS
from atnews_scraper.errors import ConfigError
from atnews_scraper.timestamps import KABUL, parse_iso

FORBIDDEN_OPERATORS = ("$where", "$function", "$accumulator", "$merge", "$out")
LOGICAL_OPERATORS = ("$and", "$or", "$nor")
SNIPPET_RADIUS = 20
MAX_DEPTH = 100  # MongoDB refuses documents nested deeper than 100 levels
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
CALENDAR_START = dt.datetime.min.replace(tzinfo=dt.UTC)
CALENDAR_END = dt.datetime.max.replace(tzinfo=dt.UTC)


def parse_filter(text: str, option: str = "FILTER_JSON") -> dict[str, Any]:
    """The filter as a dict ready for pymongo; ConfigError for anything unsafe or malformed."""
    try:
        value = json.loads(
            text, parse_constant=_refuse_constant(option), parse_float=_float(option)
        )
    except RecursionError:
        raise _too_deep(option) from None
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
    _refuse_unsafe(value, option)
    return _convert_dates(value, field=None, option=option)


def _refuse_constant(option: str) -> Callable[[str], Any]:
    """NaN and Infinity are not JSON (Python's json module accepts them): refused."""

    def refuse(name: str) -> Any:
        raise ConfigError(
            f"{option}: {name} is not a JSON number; write a number, a string or null"
        )

    return refuse


def _float(option: str) -> Callable[[str], float]:
    """A JSON number with a fraction or exponent; one past a 64-bit float is refused."""

    def parse(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise ConfigError(
                f"{option}: {text} is too large for a 64-bit number; write a smaller one"
            )
        return value

    return parse


def _too_deep(option: str) -> ConfigError:
    return ConfigError(
        f"{option} is nested more than {MAX_DEPTH} levels deep; "
        f"MongoDB accepts at most {MAX_DEPTH}: write a flatter filter"
    )


def _snippet(text: str, position: int) -> str:
    start = max(0, position - SNIPPET_RADIUS)
    before = text[start:position].replace("\n", " ")
    after = text[position : position + SNIPPET_RADIUS].replace("\n", " ")
    return f"...{before}>>>{after}..." if start else f"{before}>>>{after}..."


def _refuse_unsafe(value: Any, option: str) -> None:
    """Refuse forbidden operators, nesting past MAX_DEPTH and integers beyond 64 bits.

    Walked with an explicit stack, so that depth is checked before any recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise _too_deep(option)
            if isinstance(item, dict):
                for key in item:
                    _refuse_unencodable(key, option, is_key=True)
                    if key in FORBIDDEN_OPERATORS:
                        raise ConfigError(
                            f"{option}: {key} is not allowed (server-side JavaScript and write "
                            "stages are refused: these commands only read); use plain query "
                            "operators such as $eq, $in, $gte, $regex"
                        )
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(item, str):
            _refuse_unencodable(item, option, is_key=False)
        elif isinstance(item, int) and not INT64_MIN <= item <= INT64_MAX:
            raise ConfigError(
                f"{option}: the number {item} does not fit a 64-bit integer "
                f"({INT64_MIN} to {INT64_MAX}); write a smaller one"
            )


def _refuse_unencodable(text: str, option: str, is_key: bool) -> None:
    """Text BSON cannot carry: a lone surrogate (``\\ud800``), or NUL in a field name."""
    if is_key and "\x00" in text:
        raise ConfigError(f"{option}: the field name {text!r} holds a NUL character; remove it")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(
            f"{option}: {text!r} holds a lone surrogate escape (\\ud800-\\udfff), which is "
            "not a character; write the character itself or a valid surrogate pair"
        ) from None


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
        moment = parse_iso(text.strip(), KABUL)
    except ValueError:
        raise ConfigError(
            f"{where}: {text!r} is not an ISO 8601 date; "
            "write e.g. 2022-09-01 or 2022-09-01T08:30:00+04:30"
        ) from None
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # e.g. 0001-01-01 in Kabul time is before the calendar's start
        return CALENDAR_START if moment.year == 1 else CALENDAR_END


def is_date_only(text: str) -> bool:
    return "T" not in text.strip() and " " not in text.strip()


def date_range(since: str | None, until: str | None, field: str = "published_at") -> dict[str, Any]:
    """A filter for --since (inclusive) and --until (inclusive; a bare date covers that day)."""
    bounds: dict[str, dt.datetime] = {}
    if since:
        bounds["$gte"] = parse_date(since, "--since")
    if until:
        end = parse_date(until, "--until")
        if not is_date_only(until):
            bounds["$lte"] = end
        elif parse_iso(until.strip(), KABUL).date() == dt.date.max:  # no next day to stop before
            bounds["$lte"] = CALENDAR_END
        else:
            bounds["$lt"] = end + dt.timedelta(days=1)
    return {field: bounds} if bounds else {}


def combine(*filters: dict[str, Any]) -> dict[str, Any]:
    """All the non-empty filters at once ($and), or the single one, or {}."""
    parts = [part for part in filters if part]
    if not parts:
        return {}
    return parts[0] if len(parts) == 1 else {"$and": parts}


def check_limit(limit: int, zero_means_all: bool = False) -> int:
    """--limit as given, or a ConfigError when it does not fit the database's 64 bits."""
    if limit > INT64_MAX:
        note = "; 0: all" if zero_means_all else ""
        raise ConfigError(f"--limit {limit} is too large (at most {INT64_MAX}{note})")
    return limit
