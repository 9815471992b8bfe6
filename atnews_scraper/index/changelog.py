"""The change log in MongoDB: one small record per article the store is about to write.

The store calls ``record_changes`` before it writes a batch (so a crash between the two leaves a
record of a write that may not have happened, never a write without a record), and the index's
sync reads the records after its position, then reads each changed article by ``_id`` (the one
filter FerretDB answers from an index). Records are keyed by ObjectId, which starts with the
writer's clock in seconds: sync keeps re-reading the last ``SETTLE`` of them, so a write still in
flight when it read, or one from a second writer whose clock lags a little, is not skipped.

The log is trimmed of records older than ``RETENTION``; the trim point is kept in
``article_changes_meta`` so an index whose position falls before it knows it must rebuild.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from bson import ObjectId
from pymongo.database import Database

CHANGES = "article_changes"
CHANGES_META = "article_changes_meta"
ORIGIN = "origin"
TRIMMED = "trimmed_before"
SETTLE = dt.timedelta(minutes=10)
RETENTION = dt.timedelta(days=7)


def record_changes(database: Database, article_ids: Iterable[Any]) -> None:
    """Note that these articles are about to be written (inserted, replaced or touched)."""
    records = [{"_id": ObjectId(), "article_id": article_id} for article_id in article_ids]
    if records:
        database[CHANGES].insert_many(records, ordered=False)


def origin(database: Database) -> str:
    """A token naming this MongoDB database's change log, made on first use."""
    meta = database[CHANGES_META]
    found = meta.find_one({"_id": ORIGIN})
    if found is None:
        meta.update_one({"_id": ORIGIN}, {"$setOnInsert": {"token": uuid.uuid4().hex}}, upsert=True)
        found = meta.find_one({"_id": ORIGIN})
    assert found is not None
    return str(found["token"])


def trimmed_before(database: Database) -> ObjectId | None:
    found = database[CHANGES_META].find_one({"_id": TRIMMED})
    return found["change_id"] if found else None


def changes_after(database: Database, position: ObjectId | None) -> list[dict[str, Any]]:
    """The change records after ``position`` (all of them when None), oldest first."""
    query = {"_id": {"$gt": position}} if position is not None else {}
    return list(database[CHANGES].find(query, sort=[("_id", 1)]))


def settled_position(changes: list[dict[str, Any]], now: dt.datetime) -> ObjectId | None:
    """The last change old enough that no write it announced can still be in flight."""
    horizon = now - SETTLE
    settled = [c["_id"] for c in changes if c["_id"].generation_time <= horizon]
    return settled[-1] if settled else None


def trim(database: Database, now: dt.datetime) -> int:
    """Drop records older than RETENTION; the number dropped."""
    cutoff = ObjectId.from_datetime(now - RETENTION)
    database[CHANGES_META].update_one(
        {"_id": TRIMMED}, {"$max": {"change_id": cutoff}}, upsert=True
    )
    return database[CHANGES].delete_many({"_id": {"$lt": cutoff}}).deleted_count


def collection_count(database: Database, name: str) -> int:
    """The number of documents, from collStats (FerretDB counts with a scan otherwise)."""
    try:
        return int(database.command("collStats", name).get("count", 0))
    except Exception:  # a server without collStats: the portable (slower) count
        return database[name].estimated_document_count()
