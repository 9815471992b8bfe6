"""Is a record fit to store? Required fields and types, and repairs that make odd input safe.

Pure functions. `check_record` never raises: a record it cannot accept comes back with reasons
(the `rejects` collection keeps them); input that is merely unsafe for BSON is repaired and the
repair noted: lone surrogates and undecodable bytes become U+FFFD, keys starting with `$` or
containing `.` have those characters replaced by their full-width forms.
"""

from __future__ import annotations

import functools
import json
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

import bson

from atnews_scraper.document import parse_iso, record_to_document
from atnews_scraper.record import ArticleRecord

BSON_LIMIT_BYTES = 16 * 1024 * 1024
# Storage adds dates, aliases and hashes to a record; leave them this much room under the limit.
STORAGE_HEADROOM_BYTES = 64 * 1024
MAX_RECORD_BYTES = BSON_LIMIT_BYTES - STORAGE_HEADROOM_BYTES

RECORD_HINTS: dict[str, Any] = get_type_hints(ArticleRecord)
CONTENT_HASH = re.compile(r"[0-9a-f]{64}")
KEY_ESCAPES = str.maketrans({"$": "\uff04", ".": "\uff0e", "\x00": ""})


@dataclass
class CheckedRecord:
    record: dict[str, Any]  # the record, made safe
    reasons: list[str] = field(default_factory=list)  # why it cannot be stored; empty: valid
    repairs: list[str] = field(default_factory=list)  # what was changed to make it safe

    @property
    def valid(self) -> bool:
        return not self.reasons


def check_record(record: Any) -> CheckedRecord:
    """The record made safe, with every reason it cannot be stored (none when it can)."""
    if not isinstance(record, Mapping):
        return CheckedRecord({}, [f"record: expected a mapping, got {type(record).__name__}"])
    repairs: list[str] = []
    safe = {str(key): make_safe(value, str(key), repairs) for key, value in record.items()}
    reasons = [f"{key}: unexpected field" for key in safe if key not in RECORD_HINTS]
    for name, hint in RECORD_HINTS.items():
        if name not in safe:
            reasons.append(f"{name}: missing")
        else:
            reasons.extend(type_problems(safe[name], hint, name))
    if not reasons:
        reasons.extend(content_problems(safe))
    if not reasons:
        size = len(bson.encode(record_to_document(safe)))  # type: ignore[arg-type]
        if size > MAX_RECORD_BYTES:
            reasons.append(
                f"record: {size / 1024 / 1024:.1f} MB, over the 16 MB BSON document limit"
            )
    return CheckedRecord(safe, reasons, repairs)


def json_safe(record: Mapping[str, Any]) -> dict[str, Any]:
    """A rejected record as JSON values: what JSON cannot hold (sets, dates...) as its repr."""
    loaded: dict[str, Any] = json.loads(json.dumps(record, default=repr))
    return loaded


def make_safe(value: Any, path: str, repairs: list[str]) -> Any:
    """A copy of value that BSON and MongoDB accept: valid Unicode, no `$`/`.` in keys."""
    if isinstance(value, str):
        return safe_text(value, path, repairs)
    if isinstance(value, bytes | bytearray):
        repairs.append(f"{path}: bytes decoded as UTF-8")
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            name = safe_text(str(key), f"{path} key", repairs)
            escaped = name.translate(KEY_ESCAPES)
            if escaped != name:
                repairs.append(f"{path}: key {name!r} escaped as {escaped!r}")
            result[escaped] = make_safe(item, f"{path}.{escaped}", repairs)
        return result
    if isinstance(value, list | tuple):
        return [make_safe(item, f"{path}[{i}]", repairs) for i, item in enumerate(value)]
    return value


def safe_text(text: str, path: str, repairs: list[str]) -> str:
    """The text with lone surrogates (undecodable bytes, broken pairs) replaced by U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        repairs.append(f"{path}: invalid Unicode replaced")
        # Through UTF-16 so that a well-formed surrogate pair is joined, and only a lone one lost.
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def type_problems(value: Any, hint: Any, path: str) -> list[str]:
    """Where value does not match a record type hint (str, int, unions, lists, TypedDicts)."""
    origin, args, typeddict = hint_shape(hint)
    if origin in (Union, types.UnionType):
        if any(not type_problems(value, option, path) for option in args):
            return []
        return [f"{path}: expected {describe(hint)}, got {type(value).__name__}"]
    if origin is Literal:
        return (
            [] if value in get_args(hint) else [f"{path}: {value!r} is not one of {get_args(hint)}"]
        )
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        (item_hint,) = args
        return [
            p
            for i, item in enumerate(value)
            for p in type_problems(item, item_hint, f"{path}[{i}]")
        ]
    if origin is dict:
        if not isinstance(value, Mapping):
            return [f"{path}: expected a mapping, got {type(value).__name__}"]
        _, value_hint = args
        return [
            p for k, item in value.items() for p in type_problems(item, value_hint, f"{path}.{k}")
        ]
    if typeddict:
        return typeddict_problems(value, hint, path)
    if hint is type(None):
        return [] if value is None else [f"{path}: expected null, got {type(value).__name__}"]
    if hint is int and isinstance(value, bool):
        return [f"{path}: expected int, got bool"]
    if isinstance(hint, type) and not isinstance(value, hint):
        return [f"{path}: expected {hint.__name__}, got {type(value).__name__}"]
    return []


def typeddict_problems(value: Any, hint: Any, path: str) -> list[str]:
    if not isinstance(value, Mapping):
        return [f"{path}: expected {hint.__name__}, got {type(value).__name__}"]
    hints = typeddict_hints(hint)
    problems = [f"{path}.{key}: unexpected field" for key in value if key not in hints]
    for name, field_hint in hints.items():
        if name not in value:
            problems.append(f"{path}.{name}: missing")
        else:
            problems.extend(type_problems(value[name], field_hint, f"{path}.{name}"))
    return problems


@functools.cache
def hint_shape(hint: Any) -> tuple[Any, tuple[Any, ...], bool]:
    """get_origin, get_args and is_typeddict of a type hint, worked out once."""
    return get_origin(hint), get_args(hint), is_typeddict(hint)


@functools.cache
def typeddict_hints(hint: Any) -> dict[str, Any]:
    return get_type_hints(hint)


def content_problems(record: Mapping[str, Any]) -> list[str]:
    """Checks beyond types, on a record whose types are right."""
    problems = []
    if not re.match(r"https?://[^/\s]+/", record["url"]):
        problems.append(f"url: {record['url']!r} is not an absolute http(s) URL")
    if not record["body"].strip():
        problems.append("body: empty")
    if not CONTENT_HASH.fullmatch(record["content_hash"]):
        problems.append("content_hash: expected 64 lower-case hex digits")
    if record["post_id"] is not None and record["post_id"] <= 0:
        problems.append(f"post_id: {record['post_id']} is not a positive integer")
    if record["word_count"] < 0:
        problems.append("word_count: negative")
    for name in ("published_at", "modified_at"):
        if record[name] is not None:
            try:
                parse_iso(record[name])
            except ValueError:
                problems.append(f"{name}: {record[name]!r} is not an ISO 8601 date")
    return problems


def describe(hint: Any) -> str:
    if is_typeddict(hint) or isinstance(hint, type):
        return str(hint.__name__) if hint is not type(None) else "null"
    return " or ".join(describe(option) for option in get_args(hint)) or str(hint)
