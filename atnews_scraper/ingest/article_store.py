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
from dataclasses import dataclass, field
from typing import Any

from bson import ObjectId
from bson.errors import BSONError
from pymongo import ASCENDING, TEXT, ReplaceOne, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError, OperationFailure, WriteError

from atnews_scraper.database import ARTICLE_REVISIONS, ARTICLES, REJECTS
from atnews_scraper.index import changelog
from atnews_scraper.ingest import simhash
from atnews_scraper.ingest.bulk import insert_new
from atnews_scraper.ingest.entry import ARTICLE, REJECT, IngestEntry
from atnews_scraper.ingest.pages import write_pages
from atnews_scraper.ingest.versions import REVISIONED_FIELDS, fingerprint
from atnews_scraper.stored_document import record_to_document

log = logging.getLogger(__name__)

# An unchanged re-crawl moves last_seen_at only when it is this much newer: on servers where an
# update costs a scan (FerretDB), re-crawling an archive must not rewrite every article.
LAST_SEEN_GRANULARITY = dt.timedelta(minutes=10)
REJECT_BODY_CHARS = 64 * 1024
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

NEW, UPDATED, UNCHANGED, DUPLICATE, REJECTED = (
    "new",
    "updated",
    "unchanged",
    "duplicate",
    "rejected",
)

# name, keys, options: created at start-up; creating an existing index is a no-op.
INDEXES: tuple[tuple[str, str, list[tuple[str, Any]], dict[str, Any]], ...] = (
    (ARTICLES, "url_1", [("url", ASCENDING)], {"unique": True}),
    (ARTICLES, "post_id_1", [("post_id", ASCENDING)], {"unique": True, "sparse": True}),
    (ARTICLES, "published_at_1", [("published_at", ASCENDING)], {}),
    (ARTICLES, "categories_1", [("categories", ASCENDING)], {}),
    (ARTICLES, "tags_1", [("tags", ASCENDING)], {}),
    (ARTICLES, "authors_1", [("authors", ASCENDING)], {}),
    (ARTICLES, "url_aliases_1", [("url_aliases", ASCENDING)], {}),
    (ARTICLES, "content_hash_1", [("content_hash", ASCENDING)], {}),
    (ARTICLE_REVISIONS, "article_id_1_revision_1", [("article_id", 1), ("revision", 1)], {}),
    (REJECTS, "url_1", [("url", ASCENDING)], {}),
)
TEXT_INDEX = (ARTICLES, "title_text_body_text", [("title", TEXT), ("body", TEXT)])
KEY_FIELDS = ("url", "url_aliases", "post_id", "content_hash", "simhash", "revision")
STATE_FIELDS = ("first_seen_at", "last_seen_at", "fetched_at", "duplicate_of")
# What known_from_document reads of a stored article.
KEY_INDEX_FIELDS = (*KEY_FIELDS, *STATE_FIELDS, *REVISIONED_FIELDS)


def ensure_indexes(database: Database) -> list[str]:
    """Create every index (idempotent); returns notes on what the server could not do."""
    for collection, name, keys, options in INDEXES:
        database[collection].create_index(keys, name=name, **options)
    collection, name, keys = TEXT_INDEX
    try:
        database[collection].create_index(keys, name=name)
    except OperationFailure as exc:
        note = (
            f"the server has no text indexes ({exc.details.get('errmsg') if exc.details else exc}):"
            " search uses the portable regex fallback"
        )
        log.info(note)
        return [note]
    return []


@dataclass
class Known:
    """What the key index remembers of one stored article."""

    id: Any
    url: str
    aliases: list[str]
    post_id: int | None
    content_hash: str
    simhash: int
    fingerprint: str
    revision: int
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    fetched_at: dt.datetime
    duplicate_of: str | None


class KeyIndex:
    """Stored articles by URL (and alias), post ID, content hash and simhash band."""

    def __init__(self) -> None:
        self.by_id: dict[Any, Known] = {}
        self.by_url: dict[str, Any] = {}
        self.by_post: dict[int, Any] = {}
        self.by_hash: dict[str, Any] = {}
        self.by_band: dict[tuple[int, int], set[Any]] = {}

    def add(self, known: Known) -> None:
        self.by_id[known.id] = known
        for url in (known.url, *known.aliases):
            self.by_url[url] = known.id
        if known.post_id is not None:
            self.by_post[known.post_id] = known.id
        self.by_hash.setdefault(known.content_hash, known.id)
        for band in simhash.bands(known.simhash):
            self.by_band.setdefault(band, set()).add(known.id)

    def remove(self, known: Known) -> None:
        self.by_id.pop(known.id, None)
        for url in (known.url, *known.aliases):
            if self.by_url.get(url) == known.id:
                del self.by_url[url]
        if known.post_id is not None and self.by_post.get(known.post_id) == known.id:
            del self.by_post[known.post_id]
        if self.by_hash.get(known.content_hash) == known.id:
            del self.by_hash[known.content_hash]
        for band in simhash.bands(known.simhash):
            self.by_band.get(band, set()).discard(known.id)

    def near_duplicate(self, value: int, exclude: Any = None) -> Known | None:
        """The stored article whose simhash is closest to value, within the threshold."""
        candidates = {i for band in simhash.bands(value) for i in self.by_band.get(band, ())}
        best: tuple[int, str, Known] | None = None
        for candidate in candidates - {exclude}:
            known = self.by_id[candidate]
            distance = simhash.distance(value, known.simhash)
            if distance <= simhash.NEAR_DUPLICATE_BITS and (
                best is None or (distance, known.url) < best[:2]
            ):
                best = (distance, known.url, known)
        return best[2] if best else None


def known_from_document(document: dict[str, Any], known_fingerprint: str | None = None) -> Known:
    """What the key index keeps of a stored article (one written by other tools may lack the
    storage fields: it then counts as seen at the epoch, so any fetch is newer)."""
    fetched_at = document.get("fetched_at") or EPOCH
    return Known(
        id=document["_id"],
        url=str(document.get("url") or ""),
        aliases=list(document.get("url_aliases") or []),
        post_id=document.get("post_id"),
        content_hash=str(document.get("content_hash") or ""),
        simhash=simhash.from_hex(document.get("simhash") or "0"),
        fingerprint=known_fingerprint or fingerprint(document),
        revision=int(document.get("revision") or 1),
        first_seen_at=document.get("first_seen_at") or fetched_at,
        last_seen_at=document.get("last_seen_at") or fetched_at,
        fetched_at=fetched_at,
        duplicate_of=document.get("duplicate_of"),
    )


@dataclass(frozen=True)
class PreparedArticle:
    """What an entry's article is whatever is stored: its document before the storage fields,
    and the fingerprint of its revisioned fields (which storage never changes)."""

    document: dict[str, Any]
    fingerprint: str


def prepare(entry: IngestEntry) -> None:
    """Work out the entry's article document and fingerprint now, on the caller's thread, so
    that a batch written on the writer thread costs it only planning and the writes. The entry
    must not change afterwards."""
    if entry.kind != ARTICLE:
        return
    try:
        document = build_article_document(entry)
        entry.prepared = PreparedArticle(document, fingerprint(document))
    except Exception:
        return  # the write works it out again, and deals with the error as it always did


def article_document(entry: IngestEntry) -> dict[str, Any]:
    """The stored form of an entry's record, with its fetch facts (storage fields added later):
    a copy of the prepared one, or made now."""
    if entry.prepared is not None:
        return dict(entry.prepared.document)
    return build_article_document(entry)


def article_fingerprint(entry: IngestEntry, document: dict[str, Any]) -> str:
    """The fingerprint of the entry's article document (prepared, or of `document`)."""
    return entry.prepared.fingerprint if entry.prepared is not None else fingerprint(document)


def build_article_document(entry: IngestEntry) -> dict[str, Any]:
    document = record_to_document(entry.record)  # type: ignore[arg-type]
    document["url"] = entry.url
    document["simhash"] = simhash.to_hex(simhash.simhash(entry.record["body"]))
    document["sitemap_lastmod"] = entry.sitemap_lastmod
    document["http_etag"] = entry.etag
    document["http_last_modified"] = entry.last_modified
    document["discovered_via"] = entry.discovered_via
    return document


def reject_document(entry: IngestEntry) -> dict[str, Any]:
    """A `rejects` document: why, where, and the record (an oversize body cut short)."""
    record = dict(entry.record)
    body = record.get("body")
    if isinstance(body, str) and len(body) > REJECT_BODY_CHARS:
        record["body"] = body[:REJECT_BODY_CHARS]
        record["body_truncated_from_chars"] = len(body)
    return {
        "_id": entry.entry_id,
        "url": entry.url,
        "fetch_url": entry.fetch_url,
        "status": entry.status,
        "fetched_at": entry.fetched_at,
        "reasons": entry.reasons,
        "record": record,
    }


@dataclass
class BatchPlan:
    """The writes one batch needs, collected before any is sent."""

    inserts: dict[Any, dict[str, Any]] = field(default_factory=dict)
    replaces: dict[Any, dict[str, Any]] = field(default_factory=dict)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    stored_versions: dict[Any, int] = field(default_factory=dict)  # id -> stored revision to keep
    aliases: dict[Any, set[str]] = field(default_factory=dict)
    touches: dict[Any, dt.datetime] = field(default_factory=dict)
    pages: list[IngestEntry] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    # The stored article each entry was planned against, in entry order (None: a reject).
    article_of: list[Any] = field(default_factory=list)
    current: Any = None


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


def article_updates(plan: BatchPlan) -> list[ReplaceOne[Any] | UpdateOne]:
    """Replacements by new versions, new aliases, and last_seen_at moves, one per article."""
    operations: list[ReplaceOne[Any] | UpdateOne] = [
        ReplaceOne({"_id": article_id}, document) for article_id, document in plan.replaces.items()
    ]
    written = plan.inserts.keys() | plan.replaces.keys()
    for article_id, urls in plan.aliases.items():
        if article_id not in written:
            update = {"$addToSet": {"url_aliases": {"$each": sorted(urls)}}}
            operations.append(UpdateOne({"_id": article_id}, update))
    for article_id, seen_at in plan.touches.items():
        if article_id not in written:
            operations.append(UpdateOne({"_id": article_id}, {"$max": {"last_seen_at": seen_at}}))
    return operations


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


def revision_document(article: dict[str, Any], superseded_at: dt.datetime) -> dict[str, Any]:
    """An old version for `article_revisions`, keyed so that storing it twice is a no-op."""
    document = {key: value for key, value in article.items() if key != "_id"}
    document.update(
        _id=f"{article['_id']}:{article.get('revision') or 1}",
        revision=article.get("revision") or 1,
        article_id=article["_id"],
        superseded_at=superseded_at,
    )
    return document
