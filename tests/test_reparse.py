"""`atnews reparse`: re-extraction of stored pages, without fetching, stored as revisions."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from pymongo.database import Database

from atnews_scraper.cli import main
from atnews_scraper.config import Config
from atnews_scraper.fixture_pages import saved_pages
from atnews_scraper.ingest.article_store import ArticleStore
from atnews_scraper.ingest.entry import IngestEntry
from tooling.samples import FETCHED_AT, make_page

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
NAME = "cp1252-declared-flood-relief"
URL = "https://www.afghanistantimes.af/msf-opens-field-clinic-for-flood-victims-in-baghlan/"


def store_with_old_title(database: Database, fetched_at: dt.datetime = FETCHED_AT) -> None:
    """The fixture page stored as an older extractor read it: with a wrong title."""
    record = json.loads((PAGES / f"{NAME}.expected.json").read_text())
    html = gzip.decompress((PAGES / f"{NAME}.html.gz").read_bytes())
    record["title"] = "MSF opens field clinic - Afghanistan Times"
    page = make_page(record, fetched_at, html=html)
    page.encoding = "cp1252"
    store = ArticleStore(database)
    store.open()
    assert store.write([IngestEntry.from_page(page, record, URL)]) == ["new"]


def run_reparse(config: Config, *options: str) -> int:
    common = ["--mongo-uri", str(config.mongo_uri), "--db", config.db_name]
    return main(["reparse", *common, "--var-dir", str(config.var_dir), *options])


def test_reparse_stores_the_fix_as_a_revision_and_reports_it(
    config: Config, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    store_with_old_title(database)
    assert run_reparse(config) == 0
    out, err = capsys.readouterr()
    assert out == f"{URL}\ttitle\n"
    assert "reparsed 1 page(s): 1 changed, 0 unchanged, 0 failed" in err
    article = database.articles.find_one({"url": URL})
    assert article is not None
    assert (article["title"], article["revision"]) == (
        "MSF opens field clinic for flood victims in Baghlan",
        2,
    )
    old = database.article_revisions.find_one({"article_id": article["_id"]})
    assert old is not None
    assert (old["title"], old["revision"]) == ("MSF opens field clinic - Afghanistan Times", 1)

    assert run_reparse(config) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "reparsed 1 page(s): 0 changed, 1 unchanged, 0 failed" in err


def test_reparse_filters_by_url_and_date(
    config: Config, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    store_with_old_title(database)
    assert run_reparse(config, "--since", "2026-11-28") == 0
    assert "reparsed 0 page(s)" in capsys.readouterr().err
    assert run_reparse(config, "--url", "http://afghanistantimes.af/other/") == 0
    assert "reparsed 0 page(s)" in capsys.readouterr().err
    short = URL.replace("https://www.", "http://").rstrip("/")
    assert run_reparse(config, "--url", short, "--since", "2026-11-27") == 0
    assert "reparsed 1 page(s): 1 changed" in capsys.readouterr().err


def test_a_bad_date_is_one_clear_error(config: Config, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_reparse(config, "--since", "last week") == 2
    assert capsys.readouterr().err == (
        "atnews reparse: error: --since 'last week' is not a date: "
        "use YYYY-MM-DD or an ISO 8601 date-time\n"
    )


def test_a_page_rejected_before_becomes_an_article_after_an_extractor_fix(
    config: Config, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    html = gzip.decompress((PAGES / f"{NAME}.html.gz").read_bytes())
    page = make_page({"url": URL, "body": ""}, html=html)
    reject = IngestEntry.from_page(page, {"url": URL, "body": ""}, URL, kind="reject")
    reject.reasons = ["body: empty"]
    store = ArticleStore(database)
    store.open()
    assert store.write([reject]) == ["rejected"]
    assert run_reparse(config) == 0
    out, err = capsys.readouterr()
    assert out == f"{URL}\t(new article)\n"
    assert "stored: {'new': 1}" in err
    article = database.articles.find_one({"url": URL})
    assert article is not None
    assert (article["title"], article["revision"]) == (
        "MSF opens field clinic for flood victims in Baghlan",
        1,
    )


def test_reparse_names_a_class_only_category_from_another_stored_page(
    config: Config, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    (saved,) = saved_pages(names=["class-only-categories-pul-e-khumri"])
    record = json.loads(saved.expected_path.read_text())
    assert record["categories"] == ["Nation", "Provinces", "baghlan"]  # stored with the slug
    crumbs = (
        '<html><body><div id="crumbs"><a href="https://www.afghanistantimes.af/">Home</a>'
        '<a href="https://www.afghanistantimes.af/category/provinces/baghlan/">Baghlan</a>'
        "</div><article><p>Other story.</p></article></body></html>"
    )
    other = {
        **record,
        "url": "https://www.afghanistantimes.af/other-story/",
        "post_id": 9,
        "body": "Other story.",
        "content_hash": "f" * 64,
    }
    store = ArticleStore(database)
    store.open()
    entries = [
        IngestEntry.from_page(make_page(record, html=saved.html()), record, record["url"]),
        IngestEntry.from_page(make_page(other, html=crumbs.encode()), other, other["url"]),
    ]
    assert store.write(entries) == ["new", "new"]

    assert run_reparse(config, "--url", record["url"]) == 0
    assert capsys.readouterr().out == f"{record['url']}\tcategories, extraction\n"
    article = database.articles.find_one({"url": record["url"]})
    assert article is not None
    assert article["categories"] == ["Nation", "Provinces", "Baghlan"]
    assert "category-slug" not in article["extraction"]["warnings"]
