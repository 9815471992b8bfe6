"""Is a record fit to store? Required fields and types, and repairs that make odd input safe.

Pure functions. `check_record` never raises: a record it cannot accept comes back with reasons
(the `rejects` collection keeps them); input that is merely unsafe for BSON is repaired and the
repair noted: lone surrogates and undecodable bytes become U+FFFD, keys starting with `$` or
containing `.` have those characters replaced by their full-width forms.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints, is_typeddict

import bson

from atnews_scraper.extract.dates import plausible
from atnews_scraper.record import ArticleRecord
from atnews_scraper.stored_document import DATE_FIELDS, record_to_document
from atnews_scraper.timestamps import KABUL, parse_iso

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
    copy = SafeCopy()
    safe = copy.record(record)
    drop_out_of_range(safe)
    reasons = [f"{key}: unexpected field" for key in safe if key not in RECORD_HINTS]
    for name, check in record_checkers().items():
        if name not in safe:
            reasons.append(f"{name}: missing")
        else:
            reasons.extend(check(safe[name], name))
    if not reasons:
        reasons.extend(content_problems(safe))
    if not reasons and copy.bson_bound > MAX_RECORD_BYTES:
        # Only a record whose size bound passes the limit is encoded to measure it exactly.
        try:
            size = len(bson.encode(record_to_document(safe)))  # type: ignore[arg-type]
        except OverflowError as exc:  # an int past 64 bits somewhere no check looks
            return CheckedRecord(safe, [f"record: {exc}"], copy.repairs)
        if size > MAX_RECORD_BYTES:
            reasons.append(
                f"record: {size / 1024 / 1024:.1f} MB, over the 16 MB BSON document limit"
            )
    return CheckedRecord(safe, reasons, copy.repairs)


def drop_out_of_range(record: dict[str, Any]) -> None:
    """Values no real article has and BSON or a date conversion cannot take (a post ID past 64
    bits, a date in year 9999) are set to None, each with a warning on the record
    ("post_id-out-of-range"); the rest of the record is stored."""
    post_id = record.get("post_id")
    if type(post_id) is int and post_id > INT64_MAX:
        record["post_id"] = None
        _warn(record, "post_id-out-of-range")
    for name in DATE_FIELDS:
        value = record.get(name)
        if isinstance(value, str) and not _storable_date(value):
            record[name] = None
            _warn(record, f"{name}-out-of-range")


def _storable_date(value: str) -> bool:
    """False for a readable date out of range; True for one in range, and for one that cannot
    be read (content_problems rejects that)."""
    try:
        stored = parse_iso(value, KABUL).astimezone(dt.UTC)
    except ValueError:
        return True
    except OverflowError:
        return False
    return plausible(stored)


def _warn(record: dict[str, Any], warning: str) -> None:
    extraction = record.get("extraction")
    if isinstance(extraction, dict) and isinstance(extraction.get("warnings"), list):
        extraction["warnings"] = sorted({*extraction["warnings"], warning})


def json_safe(record: Mapping[str, Any]) -> dict[str, Any]:
    """A rejected record as JSON values: what JSON cannot hold (sets, dates...) as its repr."""
    loaded: dict[str, Any] = json.loads(json.dumps(record, default=repr))
    return loaded


# BSON sizes: a document is an int32 length, its elements and a 0 byte; an element is a type
# byte, its key as a C string (UTF-8 and a 0 byte), and its value: a string is an int32 length,
# its UTF-8 bytes and a 0 byte; no other value of a record is wider than 8 bytes.
DOCUMENT_BYTES = 5
ELEMENT_BYTES = 2
STRING_BYTES = 5
SCALAR_BYTES = {type(None): 0, bool: 1, int: 8, float: 8, dt.datetime: 8}
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class SafeCopy:
    """A record copied so that BSON and MongoDB accept it (valid Unicode, no `$`/`.` in keys),
    noting each repair, and adding up on the way an upper bound of its BSON size: string
    bytes exactly (4 per character where Unicode was repaired), 8 bytes for other values,
    infinite for a value it cannot size (an int past 64 bits, an unknown type)."""

    def __init__(self) -> None:
        self.repairs: list[str] = []
        self.bson_bound: float = DOCUMENT_BYTES

    def record(self, record: Mapping[Any, Any]) -> dict[str, Any]:
        """The top level: keys are only made strings (a bad key is an unexpected field)."""
        safe = {}
        for key, value in record.items():
            name = str(key)
            self.bson_bound += ELEMENT_BYTES + 4 * len(name)
            safe[name] = self.value(value, name)
        return safe

    def value(self, value: Any, path: str) -> Any:
        kind = type(value)
        if kind is str:
            return self.text(value, path)
        if kind in SCALAR_BYTES:
            self.bson_bound += SCALAR_BYTES[kind]
            if kind is int and not INT64_MIN <= value <= INT64_MAX:
                self.bson_bound = math.inf
            return value
        if isinstance(value, str):
            return self.text(value, path)
        if isinstance(value, bytes | bytearray):
            self.repairs.append(f"{path}: bytes decoded as UTF-8")
            return self.text(bytes(value).decode("utf-8", "replace"), path)
        if isinstance(value, Mapping):
            return self.mapping(value, path)
        if isinstance(value, list | tuple):
            self.bson_bound += DOCUMENT_BYTES + len(value) * (ELEMENT_BYTES + len(str(len(value))))
            return [self.value(item, f"{path}[{i}]") for i, item in enumerate(value)]
        self.bson_bound = math.inf
        return value

    def mapping(self, value: Mapping[Any, Any], path: str) -> dict[str, Any]:
        result = {}
        self.bson_bound += DOCUMENT_BYTES
        for key, item in value.items():
            name = self.text(str(key), f"{path} key")  # counted as a string: 3 bytes spare
            escaped = name.translate(KEY_ESCAPES)
            if escaped != name:
                self.repairs.append(f"{path}: key {name!r} escaped as {escaped!r}")
                self.bson_bound += 4 * len(escaped)
            result[escaped] = self.value(item, f"{path}.{escaped}")
        return result

    def text(self, text: str, path: str) -> str:
        """The text with lone surrogates (undecodable bytes, broken pairs) replaced by U+FFFD."""
        if text.isascii():
            self.bson_bound += STRING_BYTES + len(text)
            return text
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError:
            self.repairs.append(f"{path}: invalid Unicode replaced")
            # Through UTF-16 so that a well-formed surrogate pair is joined, a lone one lost.
            text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            size = 4 * len(text)
        self.bson_bound += STRING_BYTES + size
        return text


Checker = Callable[[Any, str], list[str]]


@functools.cache
def record_checkers() -> dict[str, Checker]:
    """The checker of each record field, in record order."""
    return {name: checker(hint) for name, hint in RECORD_HINTS.items()}


@functools.cache
def checker(hint: Any) -> Checker:
    """A function finding where a value does not match hint: the hint's shape (origin,
    arguments, fields) is worked out once per hint, not once per value checked."""
    origin = get_origin(hint)
    args = get_args(hint)
    if origin in (Union, types.UnionType):
        return union_checker(hint, [checker(option) for option in args])
    if origin is Literal:
        return literal_checker(args)
    if origin is list:
        return list_checker(checker(args[0]))
    if origin is dict:
        return dict_checker(checker(args[1]))
    if is_typeddict(hint):
        return typeddict_checker(hint)
    if hint is type(None):
        return null_checker
    if hint is int:
        return int_checker
    if isinstance(hint, type):
        return instance_checker(hint)
    return no_problems


def no_problems(value: Any, path: str) -> list[str]:
    return []


def null_checker(value: Any, path: str) -> list[str]:
    return [] if value is None else [f"{path}: expected null, got {type(value).__name__}"]


def int_checker(value: Any, path: str) -> list[str]:
    if isinstance(value, bool):
        return [f"{path}: expected int, got bool"]
    return [] if isinstance(value, int) else [f"{path}: expected int, got {type(value).__name__}"]


def instance_checker(hint: type) -> Checker:
    def check(value: Any, path: str) -> list[str]:
        if isinstance(value, hint):
            return []
        return [f"{path}: expected {hint.__name__}, got {type(value).__name__}"]

    return check


def union_checker(hint: Any, options: list[Checker]) -> Checker:
    expected = describe(hint)
    classes = get_args(hint)
    if all(isinstance(c, type) and c is not int and not is_typeddict(c) for c in classes):
        # A union of plain classes (str | None...): one isinstance call.

        def check_classes(value: Any, path: str) -> list[str]:
            if isinstance(value, classes):
                return []
            return [f"{path}: expected {expected}, got {type(value).__name__}"]

        return check_classes

    def check(value: Any, path: str) -> list[str]:
        if any(not option(value, path) for option in options):
            return []
        return [f"{path}: expected {expected}, got {type(value).__name__}"]

    return check


def literal_checker(allowed: tuple[Any, ...]) -> Checker:
    def check(value: Any, path: str) -> list[str]:
        return [] if value in allowed else [f"{path}: {value!r} is not one of {allowed}"]

    return check


def list_checker(item_checker: Checker) -> Checker:
    def check(value: Any, path: str) -> list[str]:
        if not isinstance(value, list):
            return [f"{path}: expected a list, got {type(value).__name__}"]
        return [p for i, item in enumerate(value) for p in item_checker(item, f"{path}[{i}]")]

    return check


def dict_checker(value_checker: Checker) -> Checker:
    def check(value: Any, path: str) -> list[str]:
        if not isinstance(value, Mapping):
            return [f"{path}: expected a mapping, got {type(value).__name__}"]
        return [p for k, item in value.items() for p in value_checker(item, f"{path}.{k}")]

    return check


def typeddict_checker(hint: Any) -> Checker:
    fields = {name: checker(field_hint) for name, field_hint in get_type_hints(hint).items()}

    def check(value: Any, path: str) -> list[str]:
        if not isinstance(value, Mapping):
            return [f"{path}: expected {hint.__name__}, got {type(value).__name__}"]
        problems = [f"{path}.{key}: unexpected field" for key in value if key not in fields]
        for name, check_field in fields.items():
            if name not in value:
                problems.append(f"{path}.{name}: missing")
            else:
                problems.extend(check_field(value[name], f"{path}.{name}"))
        return problems

    return check


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
                parse_iso(record[name], KABUL)
            except ValueError:
                problems.append(f"{name}: {record[name]!r} is not an ISO 8601 date")
    return problems


def describe(hint: Any) -> str:
    if is_typeddict(hint) or isinstance(hint, type):
        return str(hint.__name__) if hint is not type(None) else "null"
    return " or ".join(describe(option) for option in get_args(hint)) or str(hint)
