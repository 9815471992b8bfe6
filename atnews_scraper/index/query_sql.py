"""A MongoDB filter (as `parse_filter` returns it) -> an SQL condition on the index.

Answered: $eq $ne $in $nin $gt $gte $lt $lte $regex (with $options) $exists $all $size
$and $or $nor $not, and equality on a list field (``{"tags": "Taliban"}`` matches an article
that has the tag). Dates compare as instants (the index keeps them as UTC text). Any other
operator is one ConfigError naming it and pointing to --from-mongo / pymongo. Conditions are
written so that a missing value never turns a NOT into a match MongoDB would not make.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, get_origin

from atnews_scraper.analysis.fields import FIELD_TYPES, KNOWN_FIELDS, strip_optional
from atnews_scraper.errors import ConfigError
from atnews_scraper.index.schema import (
    DATE_COLUMNS,
    LIST_TABLES,
    NUMBER_COLUMNS,
    TEXT_COLUMNS,
    utc_text,
)

COMPARISONS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
SUPPORTED = (
    "$eq $ne $in $nin $gt $gte $lt $lte $regex $options $exists $all $size $and $or $nor $not"
)
# MongoDB query operators the index does not answer (others are not MongoDB operators at all).
MONGO_ONLY = frozenset(
    [
        "$elemMatch",
        "$type",
        "$mod",
        "$expr",
        "$text",
        "$where",
        "$jsonSchema",
        "$geoWithin",
        "$geoIntersects",
        "$near",
        "$nearSphere",
        "$bitsAllSet",
        "$bitsAnySet",
        "$bitsAllClear",
        "$bitsAnyClear",
        "$comment",
        "$sampleRate",
    ]
)
REGEX_FLAGS = {"i": "i", "m": "m", "s": "s", "x": "x"}
# The big values live in article_texts; a subquery reads them only for rows that need them.
DOC = "(SELECT t.document FROM article_texts t WHERE t.id = a.id)"
BODY = "(SELECT t.body FROM article_texts t WHERE t.id = a.id)"


def column(name: str) -> str | None:
    """The SQL for a field kept as a column, else None."""
    if name == "body":
        return BODY
    if name in TEXT_COLUMNS or name in NUMBER_COLUMNS or name in DATE_COLUMNS:
        return f"a.{name}"
    return None


class Sql:
    """An SQL text with its ``?`` parameters."""

    def __init__(self, text: str, params: list[Any] | None = None) -> None:
        self.text = text
        self.params = params or []


def unsupported(operator: str) -> ConfigError:
    if operator in MONGO_ONLY:
        return ConfigError(
            f"the analysis index does not answer {operator} (it answers {SUPPORTED}); "
            "run the command with --from-mongo, or query MongoDB with pymongo"
        )
    return ConfigError(
        f"the database refused the filter: unknown operator {operator}; "
        "check the operators against the MongoDB query documentation"
    )


def unknown_field(name: str) -> ConfigError:
    return ConfigError(
        f"filter: unknown field {name!r}; valid fields: {', '.join(KNOWN_FIELDS)} "
        "(--from-mongo queries any stored field)"
    )


def json_path(name: str) -> str:
    return "$." + ".".join(f'"{part}"' for part in name.split("."))


def is_list_of_records(top: str) -> bool:
    return get_origin(strip_optional(FIELD_TYPES[top])) is list


def to_condition(query: Mapping[str, Any]) -> Sql:
    """The WHERE condition (``a`` is the articles table) for a whole filter document."""
    parts = [field_or_logical(key, value) for key, value in query.items()]
    return join(parts, "AND", "1")


def join(parts: list[Sql], word: str, empty: str) -> Sql:
    if not parts:
        return Sql(empty)
    text = f" {word} ".join(f"({part.text})" for part in parts)
    return Sql(text, [p for part in parts for p in part.params])


def field_or_logical(key: str, value: Any) -> Sql:
    if key in ("$and", "$or", "$nor"):
        if not isinstance(value, list) or not value:
            raise ConfigError(f"filter: {key} needs a non-empty list of filters")
        parts = [to_condition(part) for part in value if isinstance(part, Mapping)]
        if key == "$and":
            return join(parts, "AND", "1")
        either = join(parts, "OR", "0")
        return either if key == "$or" else Sql(f"NOT ({either.text})", either.params)
    if key.startswith("$"):
        raise unsupported(key)
    if key.partition(".")[0] not in FIELD_TYPES or (key not in KNOWN_FIELDS and "." in key):
        raise unknown_field(key)
    return field_condition(key, value)


def field_condition(name: str, value: Any) -> Sql:
    if isinstance(value, Mapping) and any(str(k).startswith("$") for k in value):
        options = str(value.get("$options", ""))
        parts = [
            operator_condition(name, operator, operand, options)
            for operator, operand in value.items()
            if operator != "$options"
        ]
        return join(parts, "AND", "1")
    return operator_condition(name, "$eq", value, "")


def operator_condition(name: str, operator: str, operand: Any, options: str) -> Sql:
    if operator == "$eq":
        return equals(name, operand)
    if operator == "$ne":
        return negate(equals(name, operand))
    if operator in ("$in", "$nin"):
        if not isinstance(operand, list):
            raise ConfigError(f"filter: {name} {operator} needs a list of values")
        either = join([equals(name, item) for item in operand], "OR", "0")
        return either if operator == "$in" else negate(either)
    if operator in COMPARISONS:
        if operand is None or isinstance(operand, bool | list | Mapping):
            return Sql("0")
        return any_value(name, f"{{v}} {COMPARISONS[operator]} ?", [comparable(name, operand)])
    if operator == "$regex":
        return regex(name, operand, options)
    if operator == "$exists":
        kind = f"json_type({DOC}, '{json_path(name)}')"
        if name in FIELD_TYPES:  # JSON only for the rows where the field is missing or null
            absent = f"instr(a.absent, ',{name},') > 0"
            return Sql(
                f"NOT {absent} OR {kind} IS NOT NULL" if operand else f"{absent} AND {kind} IS NULL"
            )
        return Sql(f"{kind} IS NOT NULL" if operand else f"{kind} IS NULL")
    if operator == "$all":
        if not isinstance(operand, list):
            raise ConfigError(f"filter: {name} $all needs a list of values")
        return join([equals(name, item) for item in operand], "AND", "0")
    if operator == "$size":
        if not isinstance(operand, int) or isinstance(operand, bool):
            raise ConfigError(f"filter: {name} $size needs a whole number")
        if name in FIELD_TYPES:
            return Sql("instr(a.sizes, ?) > 0", [f",{name}:{operand},"])
        path = json_path(name)
        return Sql(
            f"json_type({DOC}, '{path}') = 'array' AND json_array_length({DOC}, '{path}') = ?",
            [operand],
        )
    if operator == "$not":
        if isinstance(operand, Mapping):
            return negate(field_condition(name, operand))
        if isinstance(operand, str | re.Pattern):
            return negate(regex(name, operand, ""))
        raise ConfigError(f"filter: {name} $not needs an operator document or a regex")
    raise unsupported(operator)


def negate(condition: Sql) -> Sql:
    return Sql(f"NOT coalesce(({condition.text}), 0)", condition.params)


def comparable(name: str, operand: Any) -> Any:
    if isinstance(operand, dt.datetime):
        return utc_text(operand)
    return operand


def any_value(name: str, test: str, params: list[Any]) -> Sql:
    """``test`` (with ``{v}`` for the value) true for the field, or for any item of a list."""
    top, _, sub = name.partition(".")
    if column(name) is not None:
        return Sql(test.format(v=column(name)), params)
    if name in LIST_TABLES:
        table = LIST_TABLES[name]
        return Sql(
            f"EXISTS (SELECT 1 FROM {table} c WHERE c.article_id = a.id AND "
            f"{test.format(v='c.value')})",
            params,
        )
    if sub and is_list_of_records(top):
        item = f"json_extract(j.value, '{json_path(sub)}')"
        return Sql(
            f"EXISTS (SELECT 1 FROM json_each({DOC}, '{json_path(top)}') j "
            f"WHERE {test.format(v=item)})",
            params,
        )
    path = json_path(name)
    return Sql(
        f"(CASE json_type({DOC}, '{path}') WHEN 'array' THEN EXISTS (SELECT 1 FROM "
        f"json_each({DOC}, '{path}') j WHERE {test.format(v='j.value')}) "
        f"ELSE {test.format(v=f'json_extract({DOC}, {path!r})')} END)",
        params * 2,
    )


def equals(name: str, operand: Any) -> Sql:
    if operand is None and name in FIELD_TYPES:  # missing or null, as in MongoDB
        return Sql(f"instr(a.absent, ',{name},') > 0")
    if operand is None:
        return Sql(
            f"json_type({DOC}, '{json_path(name)}') IN ('null') "
            f"OR json_type({DOC}, '{json_path(name)}') IS NULL"
        )
    if isinstance(operand, list) and not operand:
        # An empty list is matched by an empty array (the stored fields hold no nested arrays).
        return field_condition(name, {"$size": 0})
    if isinstance(operand, Mapping | list):
        raise ConfigError(
            f"filter: {name}: equality with a whole document or list is not answered by the "
            "analysis index; match its parts, or run with --from-mongo"
        )
    if name == "body" and operand == "":  # without reading the body (coverage counts this)
        return Sql("a.body_chars = 0")
    if isinstance(operand, bool):
        operand = int(operand)
    return any_value(name, "{v} = ?", [comparable(name, operand)])


def regex(name: str, pattern: Any, options: str) -> Sql:
    if isinstance(pattern, re.Pattern):
        pattern = pattern.pattern
    if not isinstance(pattern, str):
        raise ConfigError(f"filter: {name} $regex needs a pattern string")
    flags = "".join(REGEX_FLAGS[o] for o in options if o in REGEX_FLAGS)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(
            f"filter: {name} $regex {pattern!r} is not a valid pattern ({exc})"
        ) from None
    full = f"(?{flags}){pattern}" if flags else pattern
    return any_value(name, "{v} REGEXP ?", [full])


def order_by(sort: list[tuple[str, int]]) -> str:
    """ORDER BY terms for --sort keys (each a known field), ``url`` last as the tie-break."""
    keys = list(sort)
    if all(name != "url" for name, _ in keys):
        keys.append(("url", 1))
    terms = []
    for name, direction in keys:
        value = column(name)
        if value is None:
            value = f"json_extract({DOC}, '{json_path(name)}')"
        terms.append(f"{value} {'DESC' if direction < 0 else 'ASC'}")
    return ", ".join(terms)
