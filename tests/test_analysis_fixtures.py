"""The analyst commands over records extracted from saved site pages (fixtures/pages)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from analysis_data import cli_args
from pymongo.database import Database

from atnews_scraper.cli import main
from atnews_scraper.database import ARTICLES
from atnews_scraper.stored_document import record_to_document

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
# A fixed selection, so that pages added later do not change the expected outputs.
SELECTED = (
    "sco-summit-putin-raisi-xi-samarkand",
    "iran-mining-ghor-at-kabul",
    "editorial-colon-winter-aid",
    "editorial-ed-prefix-opium-yoast",
    "editorial-semicolon-doha-meta-off",
    "house-account-cricket-at-news-alone",
    "opinion-two-authors-climate",
    "opinion-by-name-alone-girls-education",
    "pakistan-monitoring-desk-meta-off",
    "old-2015-layout-parliament-cabinet",
)


def expected_records() -> list[dict[str, Any]]:
    return [
        json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
        for name in SELECTED
    ]


@pytest.fixture
def store(database: Database) -> list[str]:
    database[ARTICLES].insert_many([record_to_document(r) for r in expected_records()])  # type: ignore[arg-type]
    return cli_args(database)


def test_editorials_as_csv(store: list[str], capsys: pytest.CaptureFixture) -> None:
    argv = ["query", '{"categories": "Editorial"}', "--format", "csv"]
    assert main([*argv, "--fields", "post_id,published_at,title,tags", *store]) == 0
    assert capsys.readouterr().out == (
        "post_id,published_at,title,tags\n"
        "90118,2024-04-01T00:00:00+04:30,Editorial; Doha talks need Afghan voices,\n"
        "87455,2023-11-26T21:10:05+04:30,"
        '"ED: Farmers need alternatives, not just a ban",Opium | Agriculture | Helmand\n'
        '86890,2023-10-30T00:00:00+04:30,"Editorial: Winter is coming, and aid is not",\n'
    )


def test_stats_by_author_and_category(store: list[str], capsys: pytest.CaptureFixture) -> None:
    assert main(["stats", "--by", "author", "--format", "json", *store]) == 0
    by_author = json.loads(capsys.readouterr().out)["counts"]
    assert by_author == [
        {"author": "(none)", "articles": 4},
        {"author": "AT News", "articles": 2},
        {"author": "AT", "articles": 1},
        {"author": "AT Monitoring Desk", "articles": 1},
        {"author": "Khalid Ahmadzai", "articles": 1},
        {"author": "Mariam Noori", "articles": 1},
        {"author": "Zarghona Safi", "articles": 1},
    ]
    assert main(["stats", "--by", "category", "--format", "json", *store]) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(r["category"], r["articles"]) for r in result["counts"]] == [
        ("Editorial", 3),
        ("Latest", 2),
        ("Opinions", 2),
        ("(none)", 1),
        ("Sports", 1),
        ("World", 1),
    ]
    assert {r["field"]: r["empty"] for r in result["coverage"]} == {
        "title": 0,
        "body": 0,
        "published_at": 0,
        "authors": 8,
        "categories": 1,
        "tags": 6,
        "check_also": 3,
    }


def test_search_and_show_a_fixture_article(store: list[str], capsys: pytest.CaptureFixture) -> None:
    assert (
        main(
            ["search", "--from-mongo", "Raisi Samarkand", "--limit", "1", "--format", "csv", *store]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.splitlines()[1].endswith(
        ",2022-09-15T00:00:00+04:30,"
        "SCO Summit; Putin’s meeting with Ebrahim Raisi and Xi Jinping in Samarkand,"
        "https://www.afghanistantimes.af/"
        "sco-summit-putins-meeting-with-ebrahim-raisi-and-xi-jinping-in-samarkand/"
    )
    assert main(["show", "71934", *store]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:6] == [
        "SCO Summit; Putin’s meeting with Ebrahim Raisi and Xi Jinping in Samarkand",
        "=" * 74,
        "url:        https://www.afghanistantimes.af/"
        "sco-summit-putins-meeting-with-ebrahim-raisi-and-xi-jinping-in-samarkand/",
        "post id:    71934",
        "published:  2022-09-15T00:00:00+04:30 (date)",
        "byline:     AT News",
    ]


def test_parquet_export_round_trips_every_record(store: list[str], tmp_path: Path) -> None:
    out = tmp_path / "fixtures.parquet"
    assert main(["export", str(out), "--format", "parquet", *store]) == 0
    rows = pq.read_table(out).to_pylist()
    by_url = {r["url"]: r for r in expected_records()}
    assert sorted(r["url"] for r in rows) == sorted(by_url)
    for row in rows:
        expected = by_url[row["url"]]
        assert (row["title"], row["body"], row["tags"], row["authors"]) == (
            expected["title"],
            expected["body"],
            expected["tags"],
            expected["authors"],
        )
