"""The analysis index: answers equal to MongoDB's, kept in step through the change log."""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from pathlib import Path

import pytest
from analysis_data import cli_args, load_analysis_records
from bson import Binary, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from pymongo.database import Database

from atnews_scraper.cli import main
from atnews_scraper.index import changelog
from atnews_scraper.index import sync as index_sync_module
from atnews_scraper.index.schema import document_from_json, document_json
from atnews_scraper.ingest.article_store import ArticleStore
from atnews_scraper.ingest.entry import IngestEntry
from atnews_scraper.record import ArticleRecord
from tooling.samples import FETCHED_AT, make_page, make_record, story

SITE = "https://www.afghanistantimes.af/"

# Filters answered by the index, each compared with MongoDB's own answer.
FILTERS = [
    "{}",
    '{"categories": "Editorial"}',
    '{"tags": {"$in": ["Women", "Herat"]}}',
    '{"tags": {"$nin": ["Women", "Herat"]}}',
    '{"categories": {"$ne": "Latest"}}',
    '{"published_at": {"$gte": "2022-10-01", "$lt": "2022-11-15"}}',
    '{"published_at": null}',
    '{"post_id": {"$gt": 105}}',
    '{"post_id": {"$lte": 103}, "word_count": {"$gt": 10}}',
    '{"title": {"$regex": "^editorial", "$options": "i"}}',
    '{"body": {"$not": {"$regex": "Kabul"}}}',
    '{"authors": {"$exists": true}}',
    '{"authors": {"$ne": []}}',
    '{"tags": []}',
    '{"modified_at": {"$exists": false}}',
    '{"authors": {"$size": 2}}',
    '{"tags": {"$all": ["Economy", "Banks"]}}',
    '{"$or": [{"tags": "Women"}, {"authors": "Jane Doe"}]}',
    '{"$nor": [{"categories": "Latest"}, {"tags": "Women"}]}',
    '{"$and": [{"categories": "Latest"}, {"byline": "AT News"}]}',
    '{"check_also.url": "https://www.afghanistantimes.af/the-economy-after-the-aid-freeze/"}',
    '{"related.url": {"$regex": "lifeline"}}',
    '{"url_aliases": {"$size": 0}}',
    '{"check_also": null}',
    '{"byline": {"$in": [null, "AT News"]}}',
]


def run(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("query", FILTERS)
def test_query_answers_as_mongodb_does(
    analysis_store: list[str], capsys: pytest.CaptureFixture, query: str
) -> None:
    argv = ["query", query, "--limit", "0", "--format", "csv", "--fields", "post_id,title"]
    from_index = run([*argv, *analysis_store], capsys)
    from_mongo = run([*argv, "--from-mongo", *analysis_store], capsys)
    assert from_index == from_mongo
    assert from_index[0] == 0


@pytest.mark.parametrize("by", ["day", "week", "month", "category", "tag", "author"])
def test_stats_answers_as_mongodb_does(
    analysis_store: list[str], capsys: pytest.CaptureFixture, by: str
) -> None:
    for since in ([], ["--since", "2022-10-01"]):
        argv = ["stats", "--by", by, "--format", "json", *since, *analysis_store]
        assert run(argv, capsys) == run([*argv, "--from-mongo"], capsys)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_writes_the_same_file(
    analysis_store: list[str], capsys: pytest.CaptureFixture, tmp_path: Path, fmt: str
) -> None:
    argv = ["--format", fmt, "--since", "2022-10-01", *analysis_store]
    assert main(["export", str(tmp_path / f"index.{fmt}"), *argv]) == 0
    assert main(["export", str(tmp_path / f"mongo.{fmt}"), *argv, "--from-mongo"]) == 0
    assert capsys.readouterr().err.count("exported 7 articles") == 2
    index_bytes = (tmp_path / f"index.{fmt}").read_bytes()
    assert index_bytes == (tmp_path / f"mongo.{fmt}").read_bytes()


def test_search_needs_every_word_ranks_by_bm25_and_highlights(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    argv = ["search", "women education", "--format", "jsonl", *analysis_store]
    code, out, err = run(argv, capsys)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    # Only one article has both words (two others have one of them).
    assert [row["url"] for row in rows] == [f"{SITE}editorial-girls-education-cannot-wait/"]
    assert "**education**" in rows[0]["snippet"]
    assert "**women**" in rows[0]["snippet"]
    assert err == (
        "search: ranked by BM25 over the analysis index (every word must match unless OR is "
        "written); --from-mongo searches MongoDB instead\n"
    )
    code, out, err = run(["search", "kabul", "--format", "csv", *analysis_store], capsys)
    rows = [line.split(",") for line in out.splitlines()[1:]]
    assert rows[0][2] == "Kabul traffic plan announced"  # the only title match ranks first
    scores = [float(row[0]) for row in rows]
    assert (len(rows), scores) == (6, sorted(scores, reverse=True))


@pytest.mark.parametrize(
    ("words", "slugs"),
    [
        (
            "women OR samarkand",
            {
                "editorial-girls-education-cannot-wait",
                "why-women-must-return-to-work",
                "taliban-reopen-universities-in-three-provinces",
                "sco-summit-putin-raisi-xi-samarkand",
            },
        ),
        ('"aid freeze"', {"the-economy-after-the-aid-freeze"}),
        (
            "econom*",
            {
                "the-economy-after-the-aid-freeze",
                "editorial-banks-need-a-lifeline",
                "editorial-girls-education-cannot-wait",
            },
        ),
        (
            "econom* NOT banks",  # stemmed: "banking" is excluded too
            {"editorial-girls-education-cannot-wait"},
        ),
        (
            "girls'",
            {"editorial-girls-education-cannot-wait"},
        ),
    ],
)
def test_search_or_phrase_prefix_and_not(
    analysis_store: list[str], capsys: pytest.CaptureFixture, words: str, slugs: set[str]
) -> None:
    code, out, _ = run(["search", words, "--format", "jsonl", *analysis_store], capsys)
    assert code == 0
    found = {json.loads(line)["url"].removeprefix(SITE).strip("/") for line in out.splitlines()}
    assert found == slugs


def test_search_filters_by_date_and_category(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    argv = ["search", "econom*", "--category", "Editorial", "--until", "2022-10-29"]
    code, out, _ = run([*argv, "--format", "csv", *analysis_store], capsys)
    assert (code, [line.split(",")[3] for line in out.splitlines()[1:]]) == (
        0,
        [f"{SITE}editorial-girls-education-cannot-wait/"],
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["search", '"aid freeze'],
            "atnews search: error: search: '\"aid freeze' has an unclosed quote;",
        ),
        (
            ["search", "NOT aid"],
            "atnews search: error: search: 'NOT aid' is not a valid search (fts5: syntax error",
        ),
        (
            ["query", '{"tags": {"$elemMatch": {"$eq": "x"}}}'],
            "atnews query: error: the analysis index does not answer $elemMatch (it answers $eq",
        ),
        (
            ["query", '{"colour": "red"}'],
            "atnews query: error: filter: unknown field 'colour'; valid",
        ),
        (
            ["query", '{"title": {"$regex": "("}}'],
            "atnews query: error: filter: title $regex '(' is not",
        ),
    ],
)
def test_bad_input_is_one_line(
    analysis_store: list[str], capsys: pytest.CaptureFixture, argv: list[str], message: str
) -> None:
    code, out, err = run([*argv, *analysis_store], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(message)
    assert err.count("\n") == 1


# -- keeping in step ---------------------------------------------------------------------------


def store_records(
    database: Database, *records: ArticleRecord, at: dt.datetime = FETCHED_AT
) -> list[str]:
    store = ArticleStore(database)
    store.open()
    entries = [IngestEntry.from_page(make_page(r, at), dict(r), r["url"]) for r in records]
    return store.write(entries)


def index_sync(database: Database, capsys: pytest.CaptureFixture, action: str = "sync") -> str:
    code, out, err = run(["index", action, *cli_args(database)], capsys)
    assert (code, err) == (0, "")
    return out.split(" [")[0]


def titles(database: Database, capsys: pytest.CaptureFixture) -> list[str]:
    argv = ["query", "{}", "--limit", "0", "--format", "jsonl", "--fields", "title"]
    code, out, _ = run([*argv, "--sort", "title", *cli_args(database)], capsys)
    assert code == 0
    return [json.loads(line)["title"] for line in out.splitlines()]


def test_sync_reads_the_change_log_of_store_writes(
    database: Database, capsys: pytest.CaptureFixture
) -> None:
    assert index_sync(database, capsys).startswith("index rebuilt (no index yet): 0 articles")
    assert store_records(database, make_record(1), make_record(2)) == ["new", "new"]
    assert index_sync(database, capsys).startswith("index synced: 2 articles written, 0 deleted")
    changed = make_record(1, body=story(1) + "\n\nA correction.", title="Story 1, corrected")
    later = FETCHED_AT + dt.timedelta(hours=2)
    assert store_records(database, changed, at=later) == ["updated"]
    assert titles(database, capsys) == ["Story 1, corrected", "Story 2"]
    code, out, _ = run(["show", "1001", *cli_args(database)], capsys)
    assert "revision history (2 versions):\n  revision 1: fetched" in out
    assert ": Story 1\n  revision 2 (current)" in out
    code, out, _ = run(["search", "correction", "--format", "jsonl", *cli_args(database)], capsys)
    assert (code, json.loads(out)["title"]) == (0, "Story 1, corrected")


def test_a_batch_in_flight_is_waited_for_and_one_that_never_finished_rebuilds(
    database: Database, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store logs an intent before writing and commits after: the index applies only
    committed batches, and an intent left without commit (a crash) forces a rebuild."""
    store_records(database, make_record(1))
    index_sync(database, capsys)
    article = database.articles.find_one({"post_id": 1001})
    assert article is not None
    batch = changelog.begin(database, [article["_id"]])  # a writer starts a batch ...
    assert index_sync(database, capsys) == "index current: nothing to sync"
    database.articles.update_one({"_id": article["_id"]}, {"$set": {"title": "Late title"}})
    assert titles(database, capsys) == ["Story 1"]  # ... not committed yet: not applied
    article["title"] = "Late title"
    changelog.commit(database, batch, [article], {}, {}, [])
    assert index_sync(database, capsys).startswith("index synced: 1 articles written")
    assert titles(database, capsys) == ["Late title"]

    # A writer killed between its intent and its commit:
    crashed = changelog.begin(database, [article["_id"]])
    assert crashed is not None
    database.articles.update_one({"_id": article["_id"]}, {"$set": {"title": "Crash title"}})
    assert index_sync(database, capsys) == "index current: nothing to sync"  # still in flight?
    later = dt.datetime.now(dt.UTC) + changelog.SETTLE + dt.timedelta(minutes=1)
    monkeypatch.setattr(index_sync_module, "now_utc", lambda: later)
    started = crashed.generation_time
    assert index_sync(database, capsys).startswith(
        f"index rebuilt (a store batch started at {started:%Y-%m-%d %H:%M} UTC never finished"
    )
    assert titles(database, capsys) == ["Crash title"]
    assert index_sync(database, capsys) == "index current: nothing to sync"


def test_deletions_and_writes_outside_the_store_are_caught(
    database: Database, capsys: pytest.CaptureFixture
) -> None:
    store_records(database, make_record(1), make_record(2))
    assert titles(database, capsys) == ["Story 1", "Story 2"]
    gone = database.articles.find_one({"post_id": 1002})
    assert gone is not None
    changelog.record_deletions(database, [gone["_id"]])
    database.articles.delete_one({"_id": gone["_id"]})
    assert index_sync(database, capsys).startswith("index synced: 0 articles written, 1 deleted")
    load_analysis_records(database)  # inserted without the store: no change records
    code, out, err = run(["query", "{}", "--limit", "1", *cli_args(database)], capsys)
    assert code == 0
    assert err.startswith("index: rebuilding ")
    assert "(MongoDB holds 13 articles, the index 1: written without atnews's store)" in err
    assert out.startswith("1 of 13 articles")


def test_a_corrupt_index_is_rebuilt_and_a_locked_one_is_one_line(
    analysis_store: list[str], capsys: pytest.CaptureFixture, analysis_index: Path
) -> None:
    assert run(["stats", "--by", "tag", *analysis_store], capsys)[0] == 0
    analysis_index.write_bytes(b"not a database at all" * 100)
    code, out, err = run(
        ["query", '{"post_id": 108}', "--fields", "post_id", *analysis_store], capsys
    )
    assert (code, out.splitlines()[0]) == (0, "1 articles")
    assert err.startswith(f"index: rebuilding {analysis_index} from MongoDB (unreadable: ")
    holder = sqlite3.connect(analysis_index)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        from atnews_scraper.index import database as index_database

        index_database.BUSY_TIMEOUT_S, saved = 0.2, index_database.BUSY_TIMEOUT_S
        try:
            code, out, err = run(["stats", *analysis_store], capsys)
        finally:
            index_database.BUSY_TIMEOUT_S = saved
    finally:
        holder.rollback()
        holder.close()
    assert (code, out) == (4, "")
    assert err == (
        f"atnews stats: error: the analysis index {analysis_index} is locked by another "
        "process (a sync or rebuild); try again when it has finished\n"
    )


def test_the_index_follows_the_database_it_mirrors(
    analysis_store: list[str],
    database: Database,
    capsys: pytest.CaptureFixture,
    analysis_index: Path,
) -> None:
    assert run(["stats", *analysis_store], capsys)[0] == 0
    other = database.client[database.name + "_other"]
    try:
        other.articles.insert_one({"url": f"{SITE}x/", "title": "Other", "post_id": 1})
        code, out, err = run(["query", "{}", "--fields", "title", *cli_args(other)], capsys)
        assert "it mirrored another database than" in err
        assert (code, out.splitlines()[0]) == (0, "1 articles")
    finally:
        database.client.drop_database(other.name)


def test_default_path_is_per_database_under_the_var_dir(
    analysis_store: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ATNEWS_INDEX")
    var = tmp_path / "elsewhere"
    code, out, _ = run(["index", "rebuild", "--var-dir", str(var), *analysis_store], capsys)
    database_name = analysis_store[-1]
    assert code == 0
    assert out == (
        f"index rebuilt (asked for): 12 articles, 1 earlier versions in "
        f"{out.split(' in ')[1].split('s [')[0]}s [{var / 'analysis' / (database_name + '.db')}]\n"
    )


def test_stats_and_show_take_every_format(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    code, out, _ = run(["stats", "--by", "tag", "--format", "csv", *analysis_store], capsys)
    assert (code, out.splitlines()[:3]) == (0, ["tag,articles", "(none),2", "Economy,2"])
    code, out, _ = run(["stats", "--format", "jsonl", *analysis_store], capsys)
    assert [json.loads(line) for line in out.splitlines()][-1] == {
        "month": "(no date)",
        "articles": 1,
    }
    code, out, _ = run(["show", "108", "--format", "csv", *analysis_store], capsys)
    assert out.splitlines() == [
        "revision,fetched_at,superseded_at,word_count,content_hash,title",
        "1,2022-10-30T12:00:00+04:30,2022-11-02T12:00:00+04:30,9,"
        + out.splitlines()[1].split(",")[4]
        + ",Editorial: Banks need help",
        "2,2026-11-20T10:00:00+04:30,,21,"
        + out.splitlines()[2].split(",")[4]
        + ",Editorial: Banks need a lifeline",
    ]
    code, out, _ = run(["show", "108", "--format", "json", *analysis_store], capsys)
    shown = json.loads(out)
    assert (shown["article"]["post_id"], [r["revision"] for r in shown["revisions"]]) == (108, [1])
    assert (
        run(["show", "108", "--format", "json", "--from-mongo", *analysis_store], capsys)[1] == out
    )


def test_a_trimmed_change_log_rebuilds_an_index_left_behind(
    database: Database, capsys: pytest.CaptureFixture
) -> None:
    store_records(database, make_record(1))
    index_sync(database, capsys)
    store_records(database, make_record(2))
    later = dt.datetime.now(dt.UTC) + changelog.RETENTION + dt.timedelta(days=1)
    assert changelog.trim(database, later) == 2  # both batches dropped, collections too
    assert [name for name in database.list_collection_names() if "changes_" in name] == [
        "article_changes_meta"
    ]
    assert index_sync(database, capsys).startswith(
        "index rebuilt (the change log was trimmed past its last sync): 2 articles"
    )


def test_where_counting_is_slow_commands_count_hourly_and_index_sync_always(
    database: Database, capsys: pytest.CaptureFixture, analysis_index: Path
) -> None:
    store_records(database, make_record(1))
    assert titles(database, capsys) == ["Story 1"]
    with sqlite3.connect(analysis_index) as index:  # as if collStats had taken 4 s
        index.execute("UPDATE index_meta SET value = '4.0' WHERE key = 'count_seconds'")
    database.articles.insert_one({"url": f"{SITE}outside/", "title": "Outside", "post_id": 5})
    assert titles(database, capsys) == ["Story 1"]  # not counted again within the hour
    assert index_sync(database, capsys).startswith(
        "index rebuilt (MongoDB holds 2 articles, the index 1: written without atnews's store)"
    )
    assert titles(database, capsys) == ["Outside", "Story 1"]


def test_a_stored_document_round_trips_through_the_index_with_every_bson_value() -> None:
    stored = {
        "oid": ObjectId("0" * 24),
        "bytes": b"\x00\xff",
        "binary": Binary(b"xy", 5),
        "timestamp": Timestamp(1, 2),
        "decimal": Decimal128("1.5"),
        "int64": Int64(2**63 - 1),
        "regex": Regex("^a", "i"),
        "keys": [MinKey(), MaxKey()],
        "dollars": {"$oid": "not an id", "$$y": [{"$date": 1}]},
        "doubles": [1.5, float("inf"), -float("inf")],
        "published_at": dt.datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=dt.UTC),
        "modified_at": dt.datetime(1, 1, 1, tzinfo=dt.UTC),
    }
    text = document_json({**stored, "nan": float("nan")})
    # strict JSON: SQLite's json functions (query filters on fields without a column) read it
    assert sqlite3.connect(":memory:").execute("SELECT json_valid(?)", (text,)).fetchone() == (1,)
    document = document_from_json(text)
    assert math.isnan(document.pop("nan"))
    assert document == stored
    assert [type(document[name]) for name in ("oid", "bytes", "binary", "regex")] == [
        ObjectId,
        bytes,
        Binary,
        Regex,
    ]


def test_health_says_how_far_the_index_lags_mongodb(
    database: Database, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    index = tmp_path / "lagging.db"
    health = ["health", "--json", "--max-failing", "9", *cli_args(database), "--index", str(index)]

    def report(*extra: str) -> tuple[int, dict]:
        code, out, err = run([*health, *extra], capsys)
        assert out, err
        return code, json.loads(out)

    _, found = report()
    assert found["index"] == {
        "path": str(index),
        "exists": False,
        "synced_at": None,
        "pending_batches": None,
        "lag_hours": None,
    }
    code, found = report("--max-index-lag", "1")
    assert code == 1
    assert (
        "the analysis index " + str(index) + " does not exist (run `atnews index sync`)"
        in (found["problems"])
    )
    assert store_records(database, make_record(1)) == ["new"]
    for _ in range(2):  # a rebuild takes back the batches of its own second at the next sync
        run(["index", "sync", *cli_args(database), "--index", str(index)], capsys)
    assert store_records(database, make_record(2), make_record(3)) == ["new", "new"]
    code, found = report("--max-index-lag", "0")
    assert code == 1
    assert found["index"]["exists"] is True
    assert found["index"]["pending_batches"] == 1
    assert 0 <= found["index"]["lag_hours"] < 0.1
    assert any(
        problem.startswith("the analysis index lags MongoDB by 0.0 hours (1 store batch not in it")
        for problem in found["problems"]
    )
    _, found = report()  # without the option the lag is reported, not judged
    assert found["index"]["pending_batches"] == 1
    assert not any("analysis index" in problem for problem in found["problems"])
    run(["index", "sync", *cli_args(database), "--index", str(index)], capsys)
    code, out, _ = run(["health", *health[2:], "--max-index-lag", "0"], capsys)  # in words
    assert "\nanalysis index: up to date, last synced 20" in out
    _, found = report("--max-index-lag", "0")
    assert (found["index"]["pending_batches"], found["index"]["lag_hours"]) == (0, 0.0)
    assert not any("analysis index" in problem for problem in found["problems"])


def test_dates_in_json_are_read_as_mongodb_stores_them() -> None:
    """A naive ISO value is Kabul time (UTC+4:30), as in a record; either way UTC comes back."""
    record = {
        "published_at": "2024-05-01T10:00:00",
        "modified_at": "2024-05-01T10:00:00+00:00",
        "first_seen_at": "2024-05-02T00:00:00",
        "title": "2024-05-01T10:00:00",
    }
    assert document_from_json(json.dumps(record)) == {
        "published_at": dt.datetime(2024, 5, 1, 5, 30, tzinfo=dt.UTC),
        "modified_at": dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC),
        "first_seen_at": dt.datetime(2024, 5, 1, 19, 30, tzinfo=dt.UTC),
        "title": "2024-05-01T10:00:00",
    }
