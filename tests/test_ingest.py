"""Validation, simhash and the article store against a real FerretDB."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import bson
import pytest
from pymongo.database import Database

from atnews_scraper.ingest import simhash
from atnews_scraper.ingest.article_documents import article_document, prepare
from atnews_scraper.ingest.article_store import ArticleStore
from atnews_scraper.ingest.entry import IngestEntry
from atnews_scraper.ingest.mongo_indexes import ensure_indexes
from atnews_scraper.ingest.validation import MAX_RECORD_BYTES, SafeCopy, check_record
from atnews_scraper.ingest.versions import fingerprint
from atnews_scraper.stored_document import record_to_document
from tooling.samples import FETCHED_AT, SITE, make_page, make_record, story

LATER = FETCHED_AT + dt.timedelta(hours=1)


def entry(record: Any, fetched_at: dt.datetime = FETCHED_AT, prepared: bool = False) -> IngestEntry:
    made = IngestEntry.from_page(make_page(record, fetched_at), dict(record), record["url"])
    if prepared:  # as the pipelines hand it over; a replayed entry is not
        prepare(made)
    return made


@pytest.fixture(params=[False, True], ids=["document-made-when-written", "prepared-ahead"])
def prepared(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def store(database: Database) -> ArticleStore:
    article_store = ArticleStore(database)
    article_store.open()
    return article_store


def test_a_complete_record_is_valid_and_unchanged() -> None:
    record = make_record(1)
    checked = check_record(record)
    assert (checked.reasons, checked.repairs, checked.record) == ([], [], record)


def test_wrong_types_and_missing_fields_give_reasons() -> None:
    record: dict[str, Any] = dict(make_record(1, post_id="12", tags="Kabul", word_count=True))
    del record["title"]
    record["related"] = [{"title": "x"}]
    assert check_record(record).reasons == [
        "post_id: expected int or null, got str",
        "title: missing",
        "tags: expected a list, got str",
        "related[0].url: missing",
        "word_count: expected int, got bool",
    ]
    assert check_record(["not", "a", "record"]).reasons == ["record: expected a mapping, got list"]


def test_bad_content_gives_reasons() -> None:
    record = make_record(1, url="/relative/", body="  ", published_at="yesterday")
    record["content_hash"] = "ABC"
    assert check_record(record).reasons == [
        "url: '/relative/' is not an absolute http(s) URL",
        "body: empty",
        "content_hash: expected 64 lower-case hex digits",
        "published_at: 'yesterday' is not an ISO 8601 date",
    ]


def test_a_body_over_the_bson_limit_is_rejected() -> None:
    checked = check_record(make_record(1, body="word " * 3_400_000))
    assert checked.reasons == ["record: 16.2 MB, over the 16 MB BSON document limit"]


def bson_size(record: dict[str, Any]) -> int:
    """The BSON size of the document a (safe) record is stored as, before storage fields."""
    return len(bson.encode(record_to_document(record)))  # type: ignore[arg-type]


def record_of_bson_size(size: int, body_char: str, tail: str = "") -> dict[str, Any]:
    """A record whose stored document is exactly `size` bytes of BSON (its body made of
    body_char, padded with ASCII, then tail), once made safe."""
    record: dict[str, Any] = dict(make_record(1, body=""))
    record["body"] = check_record({**record, "body": tail}).record["body"]
    count, padding = divmod(size - bson_size(record), len(body_char.encode()))
    record["body"] = body_char * count + "w" * padding + tail
    return record


@pytest.mark.parametrize(
    ("body_char", "tail"),
    [("w", ""), ("\u0436", ""), ("\U0001f600", ""), ("\u0436", "\udcff")],
    ids=["ascii", "cyrillic", "emoji", "repaired-surrogate"],
)
def test_the_bson_size_limit_holds_to_the_byte(body_char: str, tail: str) -> None:
    checked = check_record(record_of_bson_size(MAX_RECORD_BYTES, body_char, tail))
    assert checked.reasons == []
    assert bson_size(checked.record) == MAX_RECORD_BYTES
    over = record_of_bson_size(MAX_RECORD_BYTES + 1, body_char, tail)
    assert check_record(over).reasons == ["record: 15.9 MB, over the 16 MB BSON document limit"]


def test_the_bson_size_bound_is_never_below_the_size() -> None:
    odd = make_record(2, title="Kabul \udcff \U0001f600", byline=b"AT \xff", authors=["\u0436"] * 3)
    odd["extraction"]["sources"] = {"$where": "x", "a.b": "\u0436", "k\x00": "y"}
    for record in (make_record(1), odd, make_record(3, post_id=2**62, images=["x"] * 200)):
        copy = SafeCopy()
        size = bson_size(copy.record(record))
        assert size <= copy.bson_bound <= 4 * size
    copy = SafeCopy()
    copy.record(make_record(4, post_id=2**64))
    assert copy.bson_bound == math.inf  # BSON has no such int: measured (and refused) by bson


def test_lone_surrogates_bytes_and_unsafe_keys_are_made_safe() -> None:
    record = make_record(1, title="Kabul \udcff news \ud83d\ude00", byline=b"AT \xff News")
    record["extraction"]["sources"] = {"$where": "x", "a.b": "y"}
    checked = check_record(record)
    assert checked.reasons == []
    assert checked.record["title"] == "Kabul \ufffd news \U0001f600"
    assert checked.record["byline"] == "AT \ufffd News"
    assert checked.record["extraction"]["sources"] == {"\uff04where": "x", "a\uff0eb": "y"}
    assert checked.repairs == [
        "title: invalid Unicode replaced",
        "byline: bytes decoded as UTF-8",
        "extraction.sources: key '$where' escaped as '＄where'",
        "extraction.sources: key 'a.b' escaped as 'a．b'",
    ]


def test_simhash_distances() -> None:
    base = story(1)
    edited = base.replace("Kabul", "Herat", 1) + " One more sentence."
    assert simhash.simhash("") == 0
    # Stored values: a change of the hash function must be a deliberate one.
    assert simhash.to_hex(simhash.simhash(story(1))) == "316712cd1b58e9a3"
    assert simhash.to_hex(simhash.simhash("Kabul")) == "7d28036a4f02fc1a"
    assert simhash.distance(simhash.simhash(base), simhash.simhash(base)) == 0
    assert simhash.distance(simhash.simhash(base), simhash.simhash(edited)) <= 3
    assert simhash.distance(simhash.simhash(base), simhash.simhash(story(2))) > 10
    assert simhash.to_hex(5) == "0000000000000005"
    assert simhash.from_hex("0000000000000005") == 5
    assert simhash.bands(0x0001_0002_0003_0004) == [(0, 4), (1, 3), (2, 2), (3, 1)]


def test_index_creation_is_idempotent(database: Database) -> None:
    notes = ensure_indexes(database)
    assert ensure_indexes(database) == notes
    assert sorted(database.articles.index_information()) == [
        "_id_",
        "authors_1",
        "categories_1",
        "content_hash_1",
        "post_id_1",
        "published_at_1",
        "tags_1",
        "url_1",
        "url_aliases_1",
    ]
    # FerretDB 1.24 has no text indexes: the store says so and carries on.
    assert len(notes) == 1
    assert notes[0].startswith("the server has no text indexes (")


def test_new_unchanged_and_updated_versions(
    store: ArticleStore, database: Database, prepared: bool
) -> None:
    first = make_record(1)
    assert store.write([entry(first, prepared=prepared)]) == ["new"]
    assert store.write([entry(first, LATER, prepared=prepared)]) == ["unchanged"]
    changed = make_record(1, body=story(1) + "\n\nA correction.")
    assert store.write([entry(changed, LATER + dt.timedelta(hours=1), prepared=prepared)]) == [
        "updated"
    ]
    article = database.articles.find_one({"url": first["url"]})
    assert article is not None
    assert article["revision"] == 2
    assert article["body"].endswith("A correction.")
    assert article["first_seen_at"] == FETCHED_AT
    assert article["last_seen_at"] == LATER + dt.timedelta(hours=1)
    old = list(database.article_revisions.find({"article_id": article["_id"]}))
    assert [(r["revision"], r["body"], r["last_seen_at"]) for r in old] == [
        (1, first["body"], LATER)
    ]
    assert database.articles.count_documents({}) == 1


def test_a_prepared_entry_has_the_document_and_fingerprint_of_an_unprepared_one() -> None:
    plain, ready = entry(make_record(1)), entry(make_record(1), prepared=True)
    assert ready.prepared is not None and plain.prepared is None
    assert article_document(ready) == article_document(plain)
    assert ready.prepared.fingerprint == fingerprint(article_document(plain))
    article_document(ready)["title"] = "Changed"  # a write plans on a copy
    assert article_document(ready)["title"] == "Story 1"
    assert "prepared" not in ready.to_json_line().decode()


def test_navigation_changes_alone_make_no_revision(store: ArticleStore) -> None:
    store.write([entry(make_record(1))])
    moved = make_record(1, next={"title": "Newer", "url": f"{SITE}newer/"})
    assert store.write([entry(moved, LATER)]) == ["unchanged"]


def test_a_slug_change_keeps_one_article_with_the_old_url_as_alias(
    store: ArticleStore, database: Database, prepared: bool
) -> None:
    store.write([entry(make_record(1), prepared=prepared)])
    renamed = make_record(1, url=f"{SITE}story-one-renamed/")
    assert store.write([entry(renamed, LATER, prepared=prepared)]) == ["updated"]
    articles = list(database.articles.find({}, {"url": 1, "url_aliases": 1, "revision": 1}))
    assert [(a["url"], a["url_aliases"], a["revision"]) for a in articles] == [
        (f"{SITE}story-one-renamed/", [f"{SITE}story-1/"], 1)
    ]
    # The old URL, crawled again, is the same article.
    assert store.write([entry(make_record(1), LATER, prepared=prepared)]) == ["unchanged"]


def test_the_same_body_under_another_url(store: ArticleStore, database: Database) -> None:
    original = make_record(1)
    store.write([entry(original)])
    copy_without_id = make_record(2, body=original["body"], post_id=None)
    copy_of_other_post = make_record(3, body=original["body"])
    assert store.write([entry(copy_without_id), entry(copy_of_other_post)]) == [
        "duplicate",
        "duplicate",
    ]
    stored = {a["url"]: a for a in database.articles.find()}
    assert sorted(stored) == [original["url"], copy_of_other_post["url"]]
    assert stored[original["url"]]["url_aliases"] == [copy_without_id["url"]]
    assert stored[copy_of_other_post["url"]]["duplicate_of"] == original["url"]


def test_a_near_duplicate_is_flagged(store: ArticleStore, database: Database) -> None:
    original = make_record(1)
    rerun = make_record(2, body=original["body"].replace("Kabul", "Herat", 1) + " Edited.")
    unrelated = make_record(3)
    assert store.write([entry(original), entry(rerun), entry(unrelated)]) == ["new"] * 3
    flags = {a["url"]: a["near_duplicate_of"] for a in database.articles.find()}
    assert flags == {original["url"]: None, rerun["url"]: original["url"], unrelated["url"]: None}


def test_writing_the_same_entries_again_stores_nothing_twice(
    store: ArticleStore, database: Database
) -> None:
    entries = [entry(make_record(n)) for n in range(5)]
    entries.append(entry(make_record(0, body=story(0) + " Fixed."), LATER))
    assert store.write(entries) == ["new"] * 5 + ["updated"]
    fresh = ArticleStore(database)  # a later run: the key index is read from the store
    fresh.open()
    assert fresh.write(entries) == ["unchanged"] * 6
    assert database.articles.count_documents({}) == 5
    assert database.article_revisions.count_documents({}) == 1
    assert database.pages.count_documents({}) == 5


def test_a_replay_writes_the_page_an_interrupted_batch_did_not(
    store: ArticleStore, database: Database
) -> None:
    entries = [entry(make_record(n)) for n in range(3)]
    assert store.write(entries) == ["new"] * 3
    # Killed after the articles were written and before their pages were.
    database.pages.delete_many({"_id": {"$in": [entries[0].url, entries[1].url]}})
    fresh = ArticleStore(database)  # the next run replays the journal segment
    fresh.open()
    assert fresh.write(entries) == ["unchanged"] * 3
    assert sorted(page["_id"] for page in database.pages.find()) == sorted(e.url for e in entries)
    # A later re-crawl of an unchanged article does not rewrite the page of the stored fetch.
    assert fresh.write([entry(make_record(0), LATER)]) == ["unchanged"]
    page = database.pages.find_one({"_id": entries[0].url})
    assert page is not None
    assert page["fetched_at"] == FETCHED_AT


def test_raw_pages_are_kept_compressed_and_chunked_past_the_limit(
    store: ArticleStore, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from atnews_scraper.ingest import pages

    monkeypatch.setattr(pages, "CHUNK_BYTES", 1000)
    html = ("<p>" + story(7, paragraphs=200) + "</p>").encode()
    record = make_record(7)
    store.write([IngestEntry.from_page(make_page(record, html=html), dict(record), record["url"])])
    page = database.pages.find_one({"_id": record["url"]})
    assert page is not None
    assert (page["compression"], page["html_z"], page["status"]) == ("zlib", None, 200)
    assert page["chunks"] == database.page_chunks.count_documents({"page": record["url"]}) > 1
    assert pages.page_html(database, page) == html


def test_a_record_the_server_refuses_becomes_a_reject_not_a_failed_batch(
    store: ArticleStore, database: Database
) -> None:
    refused = make_record(2)
    refused["images"] = [["nested", "arrays"]]  # type: ignore[list-item]
    entries = [entry(make_record(1)), entry(refused), entry(make_record(3))]
    assert store.write_safely(entries) == ["new", "rejected", "new"]
    (reject,) = database.rejects.find()
    assert reject["url"] == refused["url"]
    assert [reason.split(":")[0] for reason in reject["reasons"]] == ["store"]
    assert database.pages.count_documents({"_id": refused["url"]}) == 1
    assert database.articles.count_documents({}) == 2


def test_an_alias_found_in_the_same_batch_is_stored(
    store: ArticleStore, database: Database
) -> None:
    original = make_record(1)
    copy = make_record(2, body=original["body"], post_id=None)
    assert store.write([entry(original), entry(copy)]) == ["new", "duplicate"]
    (article,) = database.articles.find()
    assert (article["url"], article["url_aliases"]) == (original["url"], [copy["url"]])


def test_a_change_seen_through_an_alias_keeps_the_article_url(
    store: ArticleStore, database: Database, prepared: bool
) -> None:
    store.write([entry(make_record(1), prepared=prepared)])
    store.write([entry(make_record(1, url=f"{SITE}story-one-renamed/"), LATER, prepared=prepared)])
    old_url_changed = make_record(1, body=story(1) + " Update.")
    assert store.write(
        [entry(old_url_changed, LATER + dt.timedelta(hours=1), prepared=prepared)]
    ) == ["updated"]
    (article,) = database.articles.find()
    assert (article["url"], article["url_aliases"], article["revision"]) == (
        f"{SITE}story-one-renamed/",
        [f"{SITE}story-1/"],
        2,
    )


def test_a_url_another_writer_stored_meanwhile_is_not_stored_twice(
    store: ArticleStore, database: Database, prepared: bool
) -> None:
    other = ArticleStore(database)
    other.open()
    assert other.write([entry(make_record(1), prepared=prepared)]) == ["new"]
    # `store` loaded its key index before: its insert of story 1 meets the unique index. The
    # other writer stored it first: here it is unchanged, not new a second time (issue 11).
    assert store.write(
        [entry(make_record(1), prepared=prepared), entry(make_record(2), prepared=prepared)]
    ) == ["unchanged", "new"]
    assert database.articles.count_documents({}) == 2
    assert database.pages.count_documents({}) == 2
    assert store.write([entry(make_record(1), LATER, prepared=prepared)]) == ["unchanged"]


def test_articles_stored_by_other_tools_do_not_stop_the_store(database: Database) -> None:
    database.articles.insert_one({"url": f"{SITE}story-1/", "body": "x", "post_id": 1001})
    store = ArticleStore(database)
    store.open()
    assert store.write([entry(make_record(1))]) == ["updated"]
    article = database.articles.find_one({"url": f"{SITE}story-1/"})
    assert article is not None
    assert (article["revision"], article["first_seen_at"]) == (
        2,
        dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
    )
    (old,) = database.article_revisions.find()
    assert (old["revision"], old["body"]) == (1, "x")
