"""ArticleStore: articles, their revisions, raw pages and rejects, written in bulk.

Writes are planned in memory against a key index of what is stored (URLs and aliases, post IDs,
content hashes, simhashes, version fingerprints), loaded once when the store opens, so a batch
costs a few bulk round trips instead of a lookup per record. Every write is idempotent: replaying
the same entries (the journal after a crash) leaves the store as it was. docs/storage.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import Any

from bson import ObjectId
from bson.errors import BSONError
from pymongo.database import Database
from pymongo.errors import BulkWriteError, OperationFailure, WriteError

from atnews_scraper.database import ARTICLE_REVISIONS, ARTICLES, REJECTS
from atnews_scraper.index import changelog
from atnews_scraper.ingest import simhash
from atnews_scraper.ingest.article_documents import (
    article_document,
    article_fingerprint,
    reject_document,
    revision_document,
)
from atnews_scraper.ingest.batch_plan import BatchPlan, article_updates
from atnews_scraper.ingest.bulk import insert_new
from atnews_scraper.ingest.entry import REJECT, IngestEntry
from atnews_scraper.ingest.key_index import KEY_INDEX_FIELDS, KeyIndex, Known, known_from_document
from atnews_scraper.ingest.mongo_indexes import ensure_indexes
from atnews_scraper.ingest.pages import write_pages

log = logging.getLogger(__name__)

# An unchanged re-crawl moves last_seen_at only when it is this much newer: on servers where an
# update costs a scan (FerretDB), re-crawling an archive must not rewrite every article.
LAST_SEEN_GRANULARITY = dt.timedelta(minutes=10)

NEW, UPDATED, UNCHANGED, DUPLICATE, REJECTED = (
    "new",
    "updated",
    "unchanged",
    "duplicate",
    "rejected",
)


class ArticleStore:
    """Idempotent bulk writes of ingest entries into one database."""

    def __init__(
        self,
        database: Database,
    ) -> None:
        self.database = database
        self.keys: KeyIndex | None = None
        self.planned: list[str] | None = None  # the outcomes of the last batch, as planned
        self.notes: list[str] = []

    def open(self, keys: KeyIndex | None = None) -> None:
        """Create indexes and load the key index (one read of the stored articles), unless
        given one built from a read just made (a crawl's: crawl/known.py)."""
        self.notes = ensure_indexes(self.database)
        if keys is None:
            self.load_keys()
        else:
            self.keys = keys

    def load_keys(self) -> None:
        keys = KeyIndex()
        projection = dict.fromkeys(KEY_INDEX_FIELDS, True)
        for document in self.database[ARTICLES].find({}, projection):
            keys.add(known_from_document(document))
        self.keys = keys

    # -- writing ---------------------------------------------------------------------------

    def write(self, entries: Iterable[IngestEntry]) -> list[str]:
        """Store entries (in order; later ones see earlier ones); returns their outcomes.

        Raises PyMongoError when the server fails; the key index is then reloaded on the next
        write, and writing the same entries again is safe.
        """
        entries = list(entries)
        self.planned = None
        for attempt in range(2):
            if self.keys is None:
                self.load_keys()
            plan = BatchPlan()
            try:
                outcomes = [self._plan_one(entry, plan) for entry in entries]
                first_plan = self.planned or outcomes
                self.planned = outcomes
                self._send(plan)
            except ConcurrentWrite as exc:
                self.keys = None
                if attempt:
                    raise
                # Entries planned against an article another writer stored first were not
                # written: the retry's outcome is theirs (not "new" a second time).
                self.planned = [
                    UNCHANGED if article in exc.taken else outcome
                    for outcome, article in zip(outcomes, plan.article_of, strict=True)
                ]
                continue
            except BaseException:
                self.keys = None  # planned changes may not all be stored: re-read before next use
                raise
            return merge_outcomes(first_plan, outcomes)
        raise AssertionError("unreachable")

    def write_safely(self, entries: list[IngestEntry]) -> list[str]:
        """write(), except that an entry the server or BSON refuses (not an outage) is kept as
        a reject with the error, instead of failing its batch: one bad record never blocks
        the crawl or the journal. Raises PyMongoError only for a failing server."""
        try:
            return self.write(entries)
        except (BulkWriteError, WriteError, BSONError, ValueError, TypeError) as error:
            if len(entries) == 1:
                log.error("cannot store %s: %s", entries[0].url, error)
                self.write([unstorable(entries[0], error)])
                return [REJECTED]
            # Nothing was sent when planning itself failed: then a retry's outcome stands.
            planned = self.planned or [UNCHANGED] * len(entries)
        retried = [outcome for entry in entries for outcome in self.write_safely([entry])]
        return merge_outcomes(planned, retried)

    def _plan_one(self, entry: IngestEntry, plan: BatchPlan) -> str:
        plan.current = None
        outcome = self._plan(entry, plan)
        plan.article_of.append(plan.current)
        return outcome

    def _plan(self, entry: IngestEntry, plan: BatchPlan) -> str:
        keys = self.keys
        assert keys is not None
        if entry.kind == REJECT:
            plan.rejects.append(reject_document(entry))
            if entry.html_z:
                plan.pages.append(entry)
            return REJECTED
        new = article_document(entry)
        post_id = new["post_id"]
        target = keys.by_url.get(entry.url)
        own = keys.by_post.get(post_id) if post_id is not None else None
        keep_url = False
        if target is not None and own is not None and own != target:
            # The URL is another article's (a canonical naming it): a version of its own post,
            # which keeps its URL.
            target, keep_url = own, True
        elif target is not None and keys.by_id[target].post_id not in (None, post_id):
            # Another post under a stored article's URL, its own not stored: never a version.
            return self._plan_foreign(entry, keys.by_id[target], post_id, plan)
        target = target if target is not None else own
        if target is not None:
            return self._plan_version(keys.by_id[target], entry, new, plan, keep_url)
        same_body = keys.by_hash.get(new["content_hash"])
        if same_body is not None:
            original = keys.by_id[same_body]
            plan.current = original.id
            if post_id is None or original.post_id in (None, post_id):
                pending = plan.inserts.get(original.id) or plan.replaces.get(original.id)
                if pending is not None:
                    pending["url_aliases"].append(entry.url)
                else:
                    plan.aliases.setdefault(original.id, set()).add(entry.url)
                original.aliases.append(entry.url)
                keys.by_url[entry.url] = original.id
                self._touch(original, entry.fetched_at, plan)
                return DUPLICATE
            new["duplicate_of"] = original.url
        self._plan_insert(entry, new, plan)
        return DUPLICATE if new.get("duplicate_of") else NEW

    def _plan_insert(self, entry: IngestEntry, new: dict[str, Any], plan: BatchPlan) -> None:
        keys = self.keys
        assert keys is not None
        new_id = ObjectId()
        plan.current = new_id
        near = keys.near_duplicate(simhash.from_hex(new["simhash"]))
        new.update(
            _id=new_id,
            revision=1,
            first_seen_at=entry.fetched_at,
            last_seen_at=entry.fetched_at,
            fetched_at=entry.fetched_at,
            url_aliases=[],
            duplicate_of=new.get("duplicate_of"),
            near_duplicate_of=near.url if near else None,
        )
        plan.inserts[new_id] = new
        plan.pages.append(entry)
        keys.add(known_from_document(new, article_fingerprint(entry, new)))

    def _plan_foreign(self, entry: IngestEntry, known: Known, post_id: int, plan: BatchPlan) -> str:
        """A record of post `post_id` under the URL of another stored post: kept as a reject
        under its fetch URL (with its page, unless that URL is a stored article's)."""
        reason = (
            f"post_id: {post_id}, but the article stored at {known.url} is post "
            f"{known.post_id}: not a version of it (the page's canonical URL names another "
            "article)"
        )
        log.warning("not stored as %s: %s", entry.url, reason)
        reject = dataclasses.replace(
            entry, kind=REJECT, url=entry.fetch_url, reasons=[reason], prepared=None
        )
        plan.rejects.append(reject_document(reject))
        if reject.html_z and self.keys is not None and reject.url not in self.keys.by_url:
            plan.pages.append(reject)
        return REJECTED

    def _plan_version(
        self,
        known: Known,
        entry: IngestEntry,
        new: dict[str, Any],
        plan: BatchPlan,
        keep_url: bool = False,
    ) -> str:
        """The entry is a version of a stored article: unchanged, or its next revision.
        keep_url: the entry's URL is another article's, so the stored one keeps its URL."""
        plan.current = known.id
        moved = not keep_url and entry.url != known.url and entry.url not in known.aliases
        new_fingerprint = article_fingerprint(entry, new)
        same = new_fingerprint == known.fingerprint
        if not entry.reparse and ((same and not moved) or is_stale(entry, known)):
            if entry.fetched_at == known.fetched_at and entry.html_z:
                # The stored version's own fetch again: a replay of a batch whose article was
                # written and whose page may not have been. Writing the page again is a no-op.
                plan.pages.append(entry)
            self._touch(known, entry.fetched_at, plan)
            return UNCHANGED
        keys = self.keys
        assert keys is not None
        aliases = list(known.aliases)
        if moved:
            aliases.append(known.url)
        else:  # reached through an alias: the article keeps its URL
            new["url"] = known.url
        near = keys.near_duplicate(simhash.from_hex(new["simhash"]), exclude=known.id)
        new.update(
            _id=known.id,
            revision=known.revision + (0 if same else 1),
            first_seen_at=min(known.first_seen_at, entry.fetched_at),
            last_seen_at=entry.fetched_at
            if in_future(known.last_seen_at)
            else max(entry.fetched_at, known.last_seen_at),
            fetched_at=entry.fetched_at,
            url_aliases=[url for url in aliases if url != new["url"]],
            duplicate_of=known.duplicate_of,
            near_duplicate_of=near.url if near else None,
        )
        if not same:
            pending = plan.inserts.get(known.id) or plan.replaces.get(known.id)
            if pending is not None:
                plan.revisions.append(revision_document(pending, entry.fetched_at))
            else:
                plan.stored_versions[known.id] = known.revision
        if known.id in plan.inserts:
            plan.inserts[known.id] = new
        else:
            plan.replaces[known.id] = new
        plan.pages.append(entry)
        keys.remove(known)
        keys.add(known_from_document(new, new_fingerprint))
        return UPDATED

    @staticmethod
    def _touch(known: Known, seen_at: dt.datetime, plan: BatchPlan) -> None:
        if seen_at - known.last_seen_at >= LAST_SEEN_GRANULARITY:
            known.last_seen_at = seen_at
            plan.touches[known.id] = seen_at

    def _send(self, plan: BatchPlan) -> None:
        """The writes, in an order that leaves a replayable state wherever it is interrupted:
        old versions to revisions first, then articles, then pages (a replay rewrites the page
        of an article it finds stored from the same fetch), then rejects. A document the
        server refuses does not stop the others; the first refusal is raised at the end."""
        articles = self.database[ARTICLES]
        refusals: list[Exception] = []
        batch = changelog.begin(
            self.database, [*plan.inserts, *plan.replaces, *plan.aliases, *plan.touches]
        )

        def attempt(write: Callable[[], object]) -> None:
            try:
                write()
            except (BulkWriteError, WriteError) as exc:
                refusals.append(exc)

        now = dt.datetime.now(dt.UTC)
        for article_id, stored_revision in plan.stored_versions.items():
            stored = articles.find_one({"_id": article_id})
            if stored is not None and (stored.get("revision") or 1) == stored_revision:
                plan.revisions.append(revision_document(stored, now))
        attempt(lambda: insert_new(self.database[ARTICLE_REVISIONS], plan.revisions))
        taken: list[int] = []
        attempt(lambda: taken.extend(insert_new(articles, list(plan.inserts.values()))))
        operations = article_updates(plan)
        if operations:
            attempt(lambda: articles.bulk_write(operations, ordered=False))
        attempt(lambda: write_pages(self.database, plan.pages))
        attempt(lambda: insert_new(self.database[REJECTS], plan.rejects))
        if not taken and not refusals:
            changelog.commit_plan(self.database, batch, plan)  # what the analysis index reads
        if taken:
            # Another writer stored one of these URLs or post IDs since the index was loaded.
            inserted = list(plan.inserts)
            raise ConcurrentWrite(
                f"{len(taken)} article key(s) were stored by another writer",
                frozenset(inserted[index] for index in taken),
            )
        if refusals:
            raise refusals[0]


def in_future(moment: dt.datetime, now: dt.datetime | None = None) -> bool:
    """True for a stamp later than now: written by a clock that ran ahead."""
    return moment > (now or dt.datetime.now(dt.UTC))


def is_stale(entry: IngestEntry, known: Known) -> bool:
    """True when the entry was fetched no later than the stored version (a replayed or
    out-of-order old fetch), so that it must not replace it. A stored fetch time in the future
    orders nothing (its clock ran ahead): every fetch made since counts as newer, and its own
    time replaces the bad stamp."""
    return entry.fetched_at <= known.fetched_at and not in_future(known.fetched_at)


def merge_outcomes(first: list[str], retried: list[str]) -> list[str]:
    """Outcomes of a batch written again after a part of it was stored: an entry the retry
    finds unchanged was stored by the first attempt, and has that attempt's outcome."""
    return [
        before if after == UNCHANGED else after
        for before, after in zip(first, retried, strict=True)
    ]


class ConcurrentWrite(OperationFailure):
    """A key the index did not know was taken: re-read the index and write again.
    `taken`: the ids of the planned inserts that were refused."""

    def __init__(self, message: str, taken: frozenset[Any] = frozenset()) -> None:
        super().__init__(message)
        self.taken = taken


def unstorable(entry: IngestEntry, error: Exception) -> IngestEntry:
    """A reject for an entry the store refused, keeping the raw page for a later reparse."""
    return IngestEntry(
        kind=REJECT,
        record={"url": entry.url},
        url=entry.url,
        fetch_url=entry.fetch_url,
        status=entry.status,
        fetched_at=entry.fetched_at,
        html_z=entry.html_z,
        reasons=[f"store: {str(error).splitlines()[0][:300]}"],
        entry_id=entry.entry_id,
    )
