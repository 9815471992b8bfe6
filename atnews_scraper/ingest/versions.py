"""What counts as a new version of an article, and what changed between two versions.

A revision is made when any field of the article itself changes (the body, and so its
content_hash, or the title, dates, people, sections, images...). The navigation around it
(related, check_also, previous, next) changes whenever a newer post appears, and extraction
metadata changes with the extractor: neither makes a revision on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from atnews_scraper.record import RECORD_FIELDS
from atnews_scraper.stored_document import to_json_value

NAVIGATION_FIELDS = ("related", "check_also", "previous", "next")
REVISIONED_FIELDS = tuple(
    name for name in RECORD_FIELDS if name not in (*NAVIGATION_FIELDS, "url", "extraction")
)


def comparable(value: Any) -> Any:
    """A stored or new value in one form: datetimes to the millisecond BSON keeps, as ISO."""
    if isinstance(value, dt.datetime):
        value = value.replace(microsecond=value.microsecond // 1000 * 1000)
    return to_json_value(value)


def fingerprint(document: Mapping[str, Any]) -> str:
    """A hash of the revisioned fields of an article document (stored or about to be)."""
    values = {name: document.get(name) for name in REVISIONED_FIELDS}
    # The encoder walks the values in C and asks comparable() only for the dates.
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=comparable_date)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def comparable_date(value: Any) -> Any:
    """comparable() of a value JSON has no form for: a datetime (others are refused)."""
    if isinstance(value, dt.datetime):
        return comparable(value)
    raise TypeError(f"{type(value).__name__} is not a record value")


def changed_fields(
    old: Mapping[str, Any], new: Mapping[str, Any], fields: tuple[str, ...] = RECORD_FIELDS
) -> list[str]:
    """The record fields whose values differ between two article documents, in record order."""
    return [name for name in fields if comparable(old.get(name)) != comparable(new.get(name))]
