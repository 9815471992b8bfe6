"""`atnews export` to JSONL, CSV and Parquet from FerretDB holding the analysis data set."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from analysis_data import cli_args
from pymongo.database import Database

from atnews_scraper.analysis.fields import TOP_LEVEL_FIELDS
from atnews_scraper.cli import main

SITE = "https://www.afghanistantimes.af/"


def test_jsonl_sorted_newest_first_with_iso_dates(
    analysis_store: list[str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "september.jsonl"
    argv = [
        "export",
        str(out),
        "--format",
        "jsonl",
        "--since",
        "2022-09-16",
        "--until",
        "2022-09-28",
    ]
    fields = ["--fields", "post_id,published_at,tags", "--sort", "-published_at"]
    assert main([*argv, *fields, *analysis_store]) == 0
    assert out.read_text(encoding="utf-8") == (
        '{"post_id":104,"published_at":"2022-09-28T11:00:00+04:30","tags":["Taliban","Education"]}\n'
        '{"post_id":103,"published_at":"2022-09-20T14:05:00+04:30","tags":["Economy"]}\n'
        '{"post_id":102,"published_at":"2022-09-16T09:30:00+04:30","tags":["Education","Women"]}\n'
    )
    assert capsys.readouterr().err == f"exported 3 articles to {out} (jsonl)\n"
    assert not (tmp_path / "september.jsonl.partial").exists()


def test_csv_with_a_filter_joins_lists(analysis_store: list[str], tmp_path: Path) -> None:
    out = tmp_path / "opinions.csv"
    argv = ["export", str(out), "--format", "csv", "--filter", '{"categories": "Opinions"}']
    assert main([*argv, "--fields", "url,authors,first_seen_at,revision", *analysis_store]) == 0
    assert out.read_text(encoding="utf-8") == (
        "url,authors,first_seen_at,revision\n"
        f"{SITE}the-economy-after-the-aid-freeze/,Jane Doe,2022-09-20T12:00:00+04:30,1\n"
        f"{SITE}why-women-must-return-to-work/,Sara Ahmadi,2022-11-21T12:00:00+04:30,1\n"
    )


def test_csv_without_fields_has_every_field_as_a_column(
    analysis_store: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "all.csv"
    assert main(["export", str(out), "--format", "csv", *analysis_store]) == 0
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == list(TOP_LEVEL_FIELDS)
    assert len(rows) == 13  # storage order without --sort: as inserted, on FerretDB
    assert rows[1][:3] == [
        f"{SITE}sco-summit-putin-raisi-xi-samarkand/",
        "101",
        "SCO summit: Putin meets Raisi and Xi in Samarkand",
    ]
    assert rows[1][3] == (
        "KABUL: Russian President Vladimir Putin met Iranian President Ebrahim Raisi and Chinese "
        "leader Xi Jinping in Samarkand.\n\nThe leaders discussed regional security and trade on "
        "the sidelines of the summit."
    )


def test_parquet_keeps_types_timestamps_and_nested_records(
    analysis_store: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "all.parquet"
    argv = ["export", str(out), "--format", "parquet", "--sort", "published_at"]
    assert main([*argv, *analysis_store]) == 0
    table = pq.read_table(out)
    assert table.num_rows == 12
    assert table.schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("tags").type == pa.list_(pa.string())
    rows = table.select(["post_id", "published_at", "check_also", "extraction"]).to_pylist()
    assert rows[0]["post_id"] == 111  # undated articles sort first, as in MongoDB
    assert rows[0]["published_at"] is None
    assert rows[1] == {
        "post_id": 101,
        "published_at": dt.datetime(2022, 9, 14, 19, 30, tzinfo=dt.UTC),
        "check_also": {
            "title": "Editorial: Girls' education cannot wait",
            "url": f"{SITE}editorial-girls-education-cannot-wait/",
            "excerpt": "More from AT News",
        },
        "extraction": {
            "method": "sahifa",
            "sources": [("title", "sahifa"), ("body", "sahifa")],
            "warnings": [],
            "version": "1",
        },
    }
    assert rows[-1]["post_id"] == 112


def test_parquet_with_dotted_fields(analysis_store: list[str], tmp_path: Path) -> None:
    out = tmp_path / "links.parquet"
    argv = ["export", str(out), "--format", "parquet", "--filter", '{"post_id": 103}']
    assert main([*argv, "--fields", "url,related.url,lead_image.alt", *analysis_store]) == 0
    assert pq.read_table(out).to_pylist() == [
        {
            "url": f"{SITE}the-economy-after-the-aid-freeze/",
            "related.url": [f"{SITE}editorial-banks-need-a-lifeline/"],
            "lead_image.alt": None,
        }
    ]


def test_no_match_writes_an_empty_file_and_says_so(
    analysis_store: list[str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "none.jsonl"
    assert (
        main(["export", str(out), "--format", "jsonl", "--since", "2030-01-01", *analysis_store])
        == 0
    )
    assert out.read_text() == ""
    assert capsys.readouterr().err == f"no articles match: wrote an empty jsonl file {out}\n"


def test_bad_export_input_is_one_line(
    analysis_store: list[str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    missing = tmp_path / "no" / "such" / "dir.csv"
    assert main(["export", str(missing), "--format", "csv", *analysis_store]) == 2
    assert capsys.readouterr().err == (
        f"atnews export: error: {missing}: the folder {missing.parent} does not exist; "
        "create it first\n"
    )
    out = tmp_path / "x.csv"
    assert (
        main(["export", str(out), "--format", "csv", "--filter", '{"$out": "x"}', *analysis_store])
        == 2
    )
    assert capsys.readouterr().err.startswith("atnews export: error: --filter: $out is not allowed")
    assert not out.exists()


def test_progress_on_a_terminal_does_not_change_the_file(
    analysis_store: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("atnews_scraper.commands.export.progress_enabled", lambda: True)
    out = tmp_path / "progress.csv"
    argv = ["export", str(out), "--format", "csv", "--fields", "post_id", "--until", "2022-09-20"]
    assert main([*argv, *analysis_store]) == 0
    assert out.read_text(encoding="utf-8") == "post_id\n101\n102\n103\n"


def test_jsonl_without_fields_keeps_every_stored_field(database: Database, tmp_path: Path) -> None:
    database["articles"].insert_one(
        {"url": f"{SITE}x/", "published_at": dt.datetime(2024, 1, 2, tzinfo=dt.UTC), "new": [1]}
    )
    out = tmp_path / "whole.jsonl"
    assert main(["export", str(out), "--format", "jsonl", *cli_args(database)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == {
        "url": f"{SITE}x/",
        "published_at": "2024-01-02T04:30:00+04:30",
        "new": [1],
    }
