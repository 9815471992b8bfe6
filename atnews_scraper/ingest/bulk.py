"""Bulk writes that stay idempotent when a document is already there (a replay, a re-run)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

DUPLICATE_KEY = 11000


def insert_new(collection: Collection, documents: Sequence[dict[str, Any]]) -> list[int]:
    """Insert all; returns the indexes of those whose key was already taken (not written)."""
    if not documents:
        return []
    try:
        collection.insert_many(list(documents), ordered=False)
    except BulkWriteError as exc:
        errors = exc.details.get("writeErrors", [])
        if any(error.get("code") != DUPLICATE_KEY for error in errors):
            raise
        return sorted(int(error["index"]) for error in errors)
    return []


def insert_or_replace(collection: Collection, documents: Sequence[dict[str, Any]]) -> None:
    """Insert all in one round trip; replace, by _id, any that already exist."""
    for index in insert_new(collection, documents):
        document = documents[index]
        collection.replace_one({"_id": document["_id"]}, document, upsert=True)
