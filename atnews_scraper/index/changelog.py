"""The change log in MongoDB: what each store batch wrote, so the index never re-reads articles.

FerretDB 1.24 (SQLite) scans a collection for every filter, ``_id`` included (measured: an
``_id`` equality costs about 0.1 ms per stored article, an ``_id`` range decodes every document),
so reading changed articles back from ``articles`` would cost seconds each at archive size.
Instead each store batch that changes articles writes, around its writes:

1. an *intent* record in ``article_changes`` (a few bytes) before any write;
2. after every write succeeded, the batch's operations (the full new documents, last-seen
   moves, new aliases, earlier versions) into a collection of its own,
   ``article_changes_<batch>``, then a *commit* record in ``article_changes``.

``article_changes`` stays small (two small records per batch), so reading it whole is cheap, and
a sync reads only the batch collections it has not applied. An intent whose commit never came
(a crash, kill -9, or a refused write in the batch) means MongoDB may hold a change the log does
not describe: once it is older than ``SETTLE`` (longer than any batch takes), the index is
rebuilt. Records are ObjectIds, which start with the writer's clock: sync re-reads the last
``SETTLE`` of them, so a batch still being written, or one from a second writer whose clock
lags a little, is not skipped. Records and batch collections older than ``RETENTION`` are
dropped; an index whose last sync is older than that is rebuilt.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from bson import ObjectId
from pymongo.database import Database

CHANGES = "article_changes"
CHANGES_META = "article_changes_meta"
ORIGIN = "origin"
TRIMMED = "trimmed_before"
SETTLE = dt.timedelta(minutes=10)
RETENTION = dt.timedelta(days=7)
INTENT, COMMIT = "intent", "commit"
WRITE, TOUCH, ALIASES, REVISION, DELETE = "write", "touch", "aliases", "revision", "delete"


def batch_collection(batch: ObjectId) -> str:
    return f"{CHANGES}_{batch}"


def begin(database: Database, article_ids: Iterable[Any]) -> ObjectId | None:
    """Record that a batch is about to change these articles; its id (None: no article)."""
    ids = list(article_ids)
    if not ids:
        return None
    batch = ObjectId()
    database[CHANGES].insert_one({"_id": ObjectId(), "batch": batch, "op": INTENT, "n": len(ids)})
    return batch


def commit(
    database: Database,
    batch: ObjectId | None,
    written: Iterable[Mapping[str, Any]],
    touches: Mapping[Any, dt.datetime],
    aliases: Mapping[Any, Iterable[str]],
    revisions: Iterable[Mapping[str, Any]],
) -> None:
    """Record what the batch wrote (every write succeeded), then its commit record."""
    if batch is None:
        return
    operations: list[dict[str, Any]] = [{"op": REVISION, "doc": dict(r)} for r in revisions]
    operations += [{"op": WRITE, "doc": dict(document)} for document in written]
    operations += [{"op": TOUCH, "id": key, "at": at} for key, at in touches.items()]
    operations += [
        {"op": ALIASES, "id": key, "urls": sorted(urls)} for key, urls in aliases.items()
    ]
    for number, operation in enumerate(operations):
        operation["_id"] = number
    if operations:
        database[batch_collection(batch)].insert_many(operations)
    database[CHANGES].insert_one(
        {"_id": ObjectId(), "batch": batch, "op": COMMIT, "n": len(operations)}
    )


def batch_operations(database: Database, batch: ObjectId) -> list[dict[str, Any]]:
    return list(database[batch_collection(batch)].find({}, sort=[("_id", 1)]))


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


def records(database: Database) -> list[dict[str, Any]]:
    """Every record of the (small) log, oldest first: reading it whole is cheaper on FerretDB
    than any filter, which would decode every record anyway."""
    return sorted(database[CHANGES].find({}), key=lambda record: record["_id"])


def trim(database: Database, now: dt.datetime) -> int:
    """Drop records and batch collections older than RETENTION; the number of batches dropped."""
    cutoff = ObjectId.from_datetime(now - RETENTION)
    database[CHANGES_META].update_one(
        {"_id": TRIMMED}, {"$max": {"change_id": cutoff}}, upsert=True
    )
    old = [record for record in records(database) if record["_id"] < cutoff]
    batches = {record["batch"] for record in old}
    for batch in batches:
        database.drop_collection(batch_collection(batch))
    if old:
        database[CHANGES].delete_many({"_id": {"$lt": cutoff}})
    return len(batches)


def collection_count(database: Database, name: str) -> int:
    """The number of documents, from collStats (FerretDB counts with a scan otherwise)."""
    try:
        return int(database.command("collStats", name).get("count", 0))
    except Exception:  # a server without collStats: the portable (slower) count
        return database[name].estimated_document_count()


def commit_plan(database: Database, batch: ObjectId | None, plan: Any) -> None:
    """``commit`` for an ArticleStore BatchPlan whose writes all succeeded."""
    written = {**plan.inserts, **plan.replaces}
    commit(
        database,
        batch,
        written.values(),
        {key: at for key, at in plan.touches.items() if key not in written},
        {key: urls for key, urls in plan.aliases.items() if key not in written},
        plan.revisions,
    )


def record_deletions(database: Database, article_ids: Iterable[Any]) -> None:
    """For a tool that deletes articles: call before deleting them, with their ``_id``s."""
    ids = list(article_ids)
    batch = begin(database, ids)
    if batch is None:
        return
    database[batch_collection(batch)].insert_many(
        [{"_id": n, "op": DELETE, "id": key} for n, key in enumerate(ids)]
    )
    database[CHANGES].insert_one({"_id": ObjectId(), "batch": batch, "op": COMMIT, "n": len(ids)})
