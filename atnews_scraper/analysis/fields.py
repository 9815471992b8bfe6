"""The fields an analyst can name in --fields and --sort, derived from the record type.

A stored article is the record of `atnews_scraper/record.py` plus the fields storage adds
(docs/TEAM.md). Nested records (check_also, lead_image, extraction...) also offer dotted paths
such as ``check_also.url``; for a list of nested records (``related.url``) the value is the list
of that key over the items.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict, Union, get_args, get_origin, get_type_hints, is_typeddict

from atnews_scraper.errors import ConfigError
from atnews_scraper.record import ArticleRecord


class StorageFields(TypedDict):
    """Fields the store adds to each record (docs/TEAM.md, "The stored article document")."""

    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    fetched_at: dt.datetime
    revision: int
    url_aliases: list[str]
    duplicate_of: str | None
    near_duplicate_of: str | None
    simhash: str
    sitemap_lastmod: dt.datetime | None
    http_etag: str | None
    http_last_modified: str | None
    discovered_via: str | None


# Stored as BSON datetimes; ISO strings given for them in filters are converted.
DATE_FIELDS: frozenset[str] = frozenset(
    {
        "published_at",
        "modified_at",
        "first_seen_at",
        "last_seen_at",
        "fetched_at",
        "sitemap_lastmod",
    }
)


def _field_types() -> dict[str, Any]:
    types_by_name: dict[str, Any] = {}
    for typed in (ArticleRecord, StorageFields):
        for name, hint in get_type_hints(typed).items():
            types_by_name[name] = dt.datetime | None if name in DATE_FIELDS else hint
    return types_by_name


FIELD_TYPES: dict[str, Any] = _field_types()
"""Every top-level field of a stored article and its Python type (dates as datetime)."""

TOP_LEVEL_FIELDS: tuple[str, ...] = tuple(FIELD_TYPES)


def strip_optional(hint: Any) -> Any:
    """``X | None`` -> ``X``; other types unchanged."""
    if get_origin(hint) in (Union, types.UnionType):
        remaining = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(remaining) == 1:
            return remaining[0]
    return hint


def nested_typeddict(hint: Any) -> Any:
    """The TypedDict inside ``T``, ``T | None`` or ``list[T]``, else None."""
    inner = strip_optional(hint)
    if get_origin(inner) is list:
        inner = get_args(inner)[0]
    return inner if is_typeddict(inner) else None


def _all_fields() -> tuple[str, ...]:
    names: list[str] = []
    for name, hint in FIELD_TYPES.items():
        names.append(name)
        nested = nested_typeddict(hint)
        if nested is not None:
            names.extend(f"{name}.{sub}" for sub in get_type_hints(nested))
    return tuple(names)


KNOWN_FIELDS: tuple[str, ...] = _all_fields()


def check_fields(names: Iterable[str], option: str) -> list[str]:
    """The names, in order, when all are known; otherwise a ConfigError naming the valid ones."""
    chosen = list(names)
    unknown = [name for name in chosen if name not in KNOWN_FIELDS]
    if unknown:
        raise ConfigError(
            f"{option}: unknown field(s) {', '.join(unknown)}; "
            f"valid fields: {', '.join(KNOWN_FIELDS)}"
        )
    return chosen


def parse_field_list(text: str, option: str = "--fields") -> list[str]:
    """``"title, published_at,url"`` -> ``["title", "published_at", "url"]``, checked."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise ConfigError(f"{option}: no field named; write e.g. {option} title,published_at,url")
    return check_fields(names, option)


def parse_sort(text: str) -> list[tuple[str, int]]:
    """``"-published_at,title"`` -> ``[("published_at", -1), ("title", 1)]``, checked."""
    keys: list[tuple[str, int]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        direction = -1 if part.startswith("-") else 1
        keys.append((part.lstrip("+-"), direction))
    if not keys:
        raise ConfigError("--sort: no field named; write e.g. --sort -published_at")
    check_fields((name for name, _ in keys), "--sort")
    return keys


def field_value(document: Mapping[str, Any], name: str) -> Any:
    """The value of a (possibly dotted) field; a list of values under a list of records."""
    top, _, sub = name.partition(".")
    value = document.get(top)
    if not sub or value is None:
        return value
    if isinstance(value, list):
        return [item.get(sub) for item in value if isinstance(item, Mapping)]
    return value.get(sub) if isinstance(value, Mapping) else None


def select_fields(document: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """A new mapping with just the named fields, in the order given."""
    return {name: field_value(document, name) for name in names}


def projection(names: Iterable[str]) -> dict[str, int]:
    """A MongoDB projection that fetches only what the named fields need."""
    fields = {name.partition(".")[0]: 1 for name in names}
    fields.setdefault("_id", 0)
    return fields
