"""Keeping the index in step with MongoDB: rebuild (stream everything) and sync (the change log).

``ensure_current`` runs before every analyst command. It costs a few round trips when nothing
changed: the collStats counts of the change log, articles and revisions, and two small reads.
It rebuilds, saying why, when the file is missing, corrupt or of an older schema, mirrors
another database, lies behind the trimmed part of the change log, or holds a different number
of articles or revisions than MongoDB (written by something other than atnews's store).

Longer than 300 lines because rebuild and sync are one job: they write the same rows and keep
the same state (the change-log position, the counts), which must change together.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bson import ObjectId
from pymongo.database import Database

from atnews_scraper.database import ARTICLE_REVISIONS, ARTICLES
from atnews_scraper.index import changelog
from atnews_scraper.index.database import (
    IndexCorrupt,
    create,
    is_locked,
    locked,
    open_existing,
    read_meta,
    set_meta,
)
from atnews_scraper.index.schema import (
    INSERT_ARTICLE,
    INSERT_REVISION,
    LIST_TABLES,
    article_row,
    document_from_json,
    list_values,
    mongo_key,
    revision_row,
    text_row,
)

BATCH = 1000
# Comparing counts with MongoDB finds documents written by other tools. collStats is instant on
# MongoDB but scans on FerretDB (4 s at 100,000 articles, measured): done at every sync while it
# takes under CHEAP_COUNT_S, else at most every COUNT_EVERY, and at every `atnews index sync`.
CHEAP_COUNT_S = 0.1
COUNT_EVERY = dt.timedelta(hours=1)
TRIM_EVERY = dt.timedelta(days=1)

Say = Callable[[str], None]


@dataclass
class SyncReport:
    action: str  # "rebuilt", "synced" or "current"
    articles: int = 0  # written (rebuild: all)
    deleted: int = 0
    revisions: int = 0
    reason: str = ""
    seconds: float = 0.0

    def line(self) -> str:
        if self.action == "rebuilt":
            why = f" ({self.reason})" if self.reason else ""
            return (
                f"index rebuilt{why}: {self.articles} articles, {self.revisions} earlier "
                f"versions in {self.seconds:.1f}s"
            )
        if self.action == "synced":
            return (
                f"index synced: {self.articles} articles written, {self.deleted} deleted, "
                f"{self.revisions} earlier versions added in {self.seconds:.2f}s"
            )
        return "index current: nothing to sync"


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- writing rows -------------------------------------------------------------------------------


def write_article(
    connection: sqlite3.Connection, document: Mapping[str, Any], fts: bool = True
) -> bool:
    """Insert or update the article's rows; False when the index already held this version.

    ``fts=False`` (a rebuild) leaves the full-text index to one 'rebuild' at the end."""
    row = article_row(document)
    texts = text_row(document)
    held = connection.execute(
        "SELECT a.id, a.title, t.body, t.document FROM articles a "
        "JOIN article_texts t ON t.id = a.id WHERE a.mongo_id = ?",
        (row["mongo_id"],),
    ).fetchone()
    if held is not None and held[3] == texts["document"]:
        return False
    if held is not None and fts:
        connection.execute(
            "INSERT INTO articles_fts (articles_fts, rowid, title, body) "
            "VALUES ('delete', ?, ?, ?)",
            held[:3],
        )
    (article_id,) = connection.execute(INSERT_ARTICLE, row).fetchone()
    connection.execute(
        "INSERT OR REPLACE INTO article_texts (id, body, document) VALUES (?, ?, ?)",
        (article_id, texts["body"], texts["document"]),
    )
    if fts:
        connection.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            (article_id, row["title"], texts["body"]),
        )
    for field, table in LIST_TABLES.items():
        connection.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        connection.executemany(
            f"INSERT INTO {table} (article_id, value, position) VALUES (?, ?, ?)",
            [(article_id, value, n) for n, value in enumerate(list_values(document.get(field)))],
        )
    return True


def delete_article(connection: sqlite3.Connection, key: str) -> int:
    connection.execute("DELETE FROM article_revisions WHERE article_mongo_id = ?", (key,))
    held = connection.execute(
        "SELECT a.id, a.title, t.body FROM articles a JOIN article_texts t ON t.id = a.id "
        "WHERE a.mongo_id = ?",
        (key,),
    ).fetchone()
    if held is None:
        return 0
    connection.execute(
        "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
        held,
    )
    return connection.execute("DELETE FROM articles WHERE id = ?", (held[0],)).rowcount


def write_batches(
    connection: sqlite3.Connection,
    documents: Iterable[Mapping[str, Any]],
    write: Callable[[Mapping[str, Any]], object],
) -> int:
    """Write streamed documents, one transaction per BATCH (constant memory); the count."""
    written = 0
    connection.execute("BEGIN")
    for document in documents:
        write(document)
        written += 1
        if written % BATCH == 0:
            connection.execute("COMMIT")
            connection.execute("BEGIN")
    connection.execute("COMMIT")
    return written


# -- rebuild ------------------------------------------------------------------------------------


def rebuild(database: Database, path: Path, reason: str = "") -> SyncReport:
    """A new index from everything in MongoDB, streamed; it replaces ``path`` when complete."""
    started = time.perf_counter()
    began = now_utc()
    token = changelog.origin(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    connection = create(partial)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        articles = database[ARTICLES].find({}, batch_size=BATCH)
        written = write_batches(
            connection, articles, lambda doc: write_article(connection, doc, fts=False)
        )
        connection.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        revisions = database[ARTICLE_REVISIONS].find({}, batch_size=BATCH)
        versions = write_batches(
            connection,
            revisions,
            lambda doc: connection.execute(INSERT_REVISION, revision_row(doc)),
        )
        record_state(connection, database.name, token, began, quiet=False, log_count=-1)
        # Batches logged before the rebuild began are in what it read: never applied again.
        set_meta(connection, "covered_before", str(ObjectId.from_datetime(began)))
        set_meta(connection, "counted_at", began.isoformat())
        counting = time.perf_counter()
        mongo_counts(database)  # how long a count takes here decides how often syncs count
        set_meta(connection, "count_seconds", f"{time.perf_counter() - counting:.3f}")
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.close()
        os.replace(partial, path)
    except BaseException:
        connection.close()
        partial.unlink(missing_ok=True)
        raise
    return SyncReport("rebuilt", written, 0, versions, reason, time.perf_counter() - started)


def record_state(
    connection: sqlite3.Connection,
    db_name: str,
    token: str,
    read_at: dt.datetime,
    quiet: bool,
    log_count: int,
) -> None:
    """Where the next sync starts: changes older than SETTLE before ``read_at`` were all read."""
    position = ObjectId.from_datetime(read_at - changelog.SETTLE)
    old = read_meta(connection).get("position")
    if old and ObjectId(old) > position:
        position = ObjectId(old)
    set_meta(connection, "position", str(position))
    connection.execute(
        "DELETE FROM applied_batches WHERE committed_at < ?",
        ((read_at - 2 * changelog.SETTLE).isoformat(),),
    )
    set_meta(connection, "database", db_name)
    set_meta(connection, "origin", token)
    set_meta(connection, "quiet", "1" if quiet else "0")
    set_meta(connection, "log_count", str(log_count))
    set_meta(connection, "synced_at", read_at.isoformat())


# -- incremental sync ---------------------------------------------------------------------------


def apply_batch(
    connection: sqlite3.Connection, operations: list[dict[str, Any]], report: SyncReport
) -> None:
    """One committed store batch's operations, in the order the store wrote them."""
    for operation in operations:
        kind = operation["op"]
        if kind == changelog.REVISION:
            connection.execute(INSERT_REVISION, revision_row(operation["doc"]))
            report.revisions += 1
        elif kind == changelog.WRITE:
            report.articles += write_article(connection, operation["doc"])
        elif kind == changelog.DELETE:
            report.deleted += delete_article(connection, mongo_key(operation["id"]))
        else:  # a last-seen move or new aliases, on the version the index holds
            document = held_document(connection, operation["id"])
            if document is None:
                continue
            if kind == changelog.TOUCH:
                seen = document.get("last_seen_at")
                document["last_seen_at"] = max(seen, operation["at"]) if seen else operation["at"]
            else:
                aliases = document.setdefault("url_aliases", [])
                aliases += [url for url in operation["urls"] if url not in aliases]
            report.articles += write_article(connection, document)


def unread_records(log: list[dict[str, Any]], meta: Mapping[str, str]) -> list[dict[str, Any]]:
    """The change-log records after the index's position and not covered by its last rebuild."""
    position = ObjectId(meta["position"]) if meta.get("position") else None
    covered = ObjectId(meta["covered_before"]) if meta.get("covered_before") else None
    return [
        r
        for r in log
        if (position is None or r["_id"] > position) and (covered is None or r["_id"] >= covered)
    ]


def applied_batches(connection: sqlite3.Connection) -> set[str]:
    return {batch for (batch,) in connection.execute("SELECT batch FROM applied_batches")}


def unapplied_commits(records: list[dict[str, Any]], applied: set[str]) -> list[dict[str, Any]]:
    """The commit records of store batches the index has not applied yet."""
    return [r for r in records if r["op"] == changelog.COMMIT and str(r["batch"]) not in applied]


def held_document(connection: sqlite3.Connection, article_id: Any) -> dict[str, Any] | None:
    row = connection.execute(
        "SELECT t.document FROM articles a JOIN article_texts t ON t.id = a.id "
        "WHERE a.mongo_id = ?",
        (mongo_key(article_id),),
    ).fetchone()
    if row is None:
        return None
    return {"_id": article_id, **document_from_json(row[0])}


def apply_log(
    connection: sqlite3.Connection,
    database: Database,
    meta: dict[str, str],
    read_at: dt.datetime,
) -> tuple[SyncReport, bool]:
    """Apply the batches committed since the index's position; (report, quiet).

    Raises Stale for a batch that started more than SETTLE ago and never committed."""
    report = SyncReport("synced")
    log = changelog.records(database)
    recent = unread_records(log, meta)
    committed = {r["batch"] for r in log if r["op"] == changelog.COMMIT}
    horizon = read_at - changelog.SETTLE
    quiet = True
    for record in recent:
        if record["op"] == changelog.INTENT and record["batch"] not in committed:
            started = record["_id"].generation_time
            if started <= horizon:
                raise Stale(
                    f"a store batch started at {started:%Y-%m-%d %H:%M} UTC never finished "
                    "(a crash or a refused write): its changes are not in the change log"
                )
            quiet = False
        if record["_id"].generation_time > horizon:
            quiet = False
    commits = unapplied_commits(recent, applied_batches(connection))
    if not commits:
        return SyncReport("current"), quiet
    connection.execute("BEGIN IMMEDIATE")
    try:
        for record in commits:
            apply_batch(connection, changelog.batch_operations(database, record["batch"]), report)
            connection.execute(
                "INSERT OR IGNORE INTO applied_batches VALUES (?, ?)",
                (str(record["batch"]), record["_id"].generation_time.isoformat()),
            )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return report, quiet


def index_counts(connection: sqlite3.Connection) -> tuple[int, int]:
    (articles,) = connection.execute("SELECT count(*) FROM articles").fetchone()
    (revisions,) = connection.execute("SELECT count(*) FROM article_revisions").fetchone()
    return articles, revisions


def mongo_counts(database: Database) -> tuple[int, int]:
    return (
        changelog.collection_count(database, ARTICLES),
        changelog.collection_count(database, ARTICLE_REVISIONS),
    )


def count_due(meta: dict[str, str], read_at: dt.datetime) -> bool:
    """Whether to compare counts with MongoDB now: at every sync while that is cheap (MongoDB;
    a small FerretDB store), else at most every COUNT_EVERY (FerretDB counts by scanning)."""
    if float(meta.get("count_seconds", "inf")) <= CHEAP_COUNT_S:
        return True
    counted = meta.get("counted_at")
    return not counted or read_at - dt.datetime.fromisoformat(counted) >= COUNT_EVERY


def sync(
    connection: sqlite3.Connection, meta: dict[str, str], database: Database, count: bool = False
) -> SyncReport:
    """Apply the change log since the index's position; a SyncReport, or raise Stale.

    ``count``: compare the article and revision counts with MongoDB's whatever they cost."""
    started = time.perf_counter()
    read_at = now_utc()
    count = count or count_due(meta, read_at)
    counting = time.perf_counter()
    before = mongo_counts(database) if count else None
    count_seconds = time.perf_counter() - counting
    log_count = changelog.collection_count(database, changelog.CHANGES)
    if meta.get("quiet") == "1" and meta.get("log_count") == str(log_count):
        report = SyncReport("current")
    else:
        report, quiet = apply_log(connection, database, meta, read_at)
        record_state(connection, database.name, meta["origin"], read_at, quiet, log_count)
    if before is not None:
        after = mongo_counts(database)
        held = index_counts(connection)
        for name, low, high, have in zip(
            ("articles", "earlier versions"), before, after, held, strict=True
        ):
            if not low <= have <= high:
                raise Stale(
                    f"MongoDB holds {high} {name}, the index {have}: written without atnews's store"
                )
        set_meta(connection, "counted_at", read_at.isoformat())
        set_meta(connection, "count_seconds", f"{count_seconds:.3f}")
    maybe_trim(connection, database, read_at)
    if not (report.articles or report.deleted or report.revisions):
        report = SyncReport("current")
    report.seconds = time.perf_counter() - started
    return report


def maybe_trim(connection: sqlite3.Connection, database: Database, now: dt.datetime) -> None:
    last = read_meta(connection).get("trimmed_at")
    if last and now - dt.datetime.fromisoformat(last) < TRIM_EVERY:
        return
    changelog.trim(database, now)
    set_meta(connection, "trimmed_at", now.isoformat())


class Stale(Exception):
    """The index cannot be brought up to date from the change log: it must be rebuilt."""


def why_not_usable(meta: dict[str, str], database: Database) -> str | None:
    """The reason the index must be rebuilt before a sync, or None."""
    if meta.get("database") != database.name or meta.get("origin") != changelog.origin(database):
        return f"it mirrored another database than {database.name}"
    trimmed = changelog.trimmed_before(database)
    position = meta.get("position")
    if trimmed is not None and (not position or ObjectId(position) < trimmed):
        return "the change log was trimmed past its last sync"
    return None


def ensure_current(
    database: Database,
    path: Path,
    say: Say | None = None,
    announce_first: bool = True,
    count: bool = False,
) -> SyncReport:
    """Bring the index at ``path`` up to date with MongoDB (sync, else rebuild).

    Every rebuild is said, except the first build when ``announce_first`` is false."""

    def rebuilt(reason: str) -> SyncReport:
        if say is not None:
            say(f"index: rebuilding {path} from MongoDB ({reason})")
        return rebuild(database, path, reason)

    if not path.exists():
        if not announce_first:
            return rebuild(database, path, "no index yet")
        return rebuilt("no index yet")
    try:
        connection, meta = open_existing(path)
    except IndexCorrupt as exc:
        return rebuilt(f"unreadable: {exc}")
    try:
        reason = why_not_usable(meta, database)
        if reason is not None:
            connection.close()
            return rebuilt(reason)
        try:
            return sync(connection, meta, database, count)
        except Stale as exc:
            connection.close()
            return rebuilt(str(exc))
        except sqlite3.Error as exc:
            if is_locked(exc):
                raise locked(path) from None
            connection.close()
            return rebuilt(f"unreadable: {exc}")
    finally:
        connection.close()
