"""`atnews export` to JSONL, CSV and Parquet from FerretDB holding the analysis data set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from analysis_data import cli_args, load_analysis_records
from pymongo.database import Database

from atnews_scraper.analysis.fields import TOP_LEVEL_FIELDS
from atnews_scraper.cli import main

SITE = "https://www.afghanistantimes.af/"


@pytest.fixture
def store(database: Database) -> list[str]:
    load_analysis_records(database)
    return cli_args(database)


def test_jsonl_oldest_first_with_iso_dates(
    store: list[str], tmp_path: Path, capsys: pytest.CaptureFixture
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
    assert main([*argv, "--fields", "post_id,published_at,tags", *store]) == 0
    assert out.read_text(encoding="utf-8") == (
        '{"post_id":102,"published_at":"2022-09-16T09:30:00+04:30","tags":["Education","Women"]}\n'
        '{"post_id":103,"published_at":"2022-09-20T14:05:00+04:30","tags":["Economy"]}\n'
        '{"post_id":104,"published_at":"2022-09-28T11:00:00+04:30","tags":["Taliban","Education"]}\n'
    )
    assert capsys.readouterr().err == f"exported 3 articles to {out} (jsonl)\n"
    assert not (tmp_path / "september.jsonl.partial").exists()


def test_csv_with_a_filter_joins_lists(store: list[str], tmp_path: Path) -> None:
    out = tmp_path / "opinions.csv"
    argv = ["export", str(out), "--format", "csv", "--filter", '{"categories": "Opinions"}']
    assert main([*argv, "--fields", "url,authors,first_seen_at,revision", *store]) == 0
    assert out.read_text(encoding="utf-8") == (
        "url,authors,first_seen_at,revision\n"
        f"{SITE}the-economy-after-the-aid-freeze/,Jane Doe,2022-09-20T12:00:00+04:30,1\n"
        f"{SITE}why-women-must-return-to-work/,Sara Ahmadi,2022-11-21T12:00:00+04:30,1\n"
    )


def test_csv_without_fields_has_every_field_as_a_column(store: list[str], tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    assert main(["export", str(out), "--format", "csv", *store]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == list(TOP_LEVEL_FIELDS)
    assert lines[1].startswith(f"{SITE}untitled-draft-notice/,111,Notice to readers,,")
    assert lines[2].startswith(f"{SITE}sco-summit-putin-raisi-xi-samarkand/,101,SCO summit:")


def test_parquet_keeps_types_timestamps_and_nested_records(
    store: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "all.parquet"
    assert main(["export", str(out), "--format", "parquet", *store]) == 0
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


def test_parquet_with_dotted_fields(store: list[str], tmp_path: Path) -> None:
    out = tmp_path / "links.parquet"
    argv = ["export", str(out), "--format", "parquet", "--filter", '{"post_id": 103}']
    assert main([*argv, "--fields", "url,related.url,lead_image.alt", *store]) == 0
    assert pq.read_table(out).to_pylist() == [
        {
            "url": f"{SITE}the-economy-after-the-aid-freeze/",
            "related.url": [f"{SITE}editorial-banks-need-a-lifeline/"],
            "lead_image.alt": None,
        }
    ]


def test_no_match_writes_an_empty_file_and_says_so(
    store: list[str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "none.jsonl"
    assert main(["export", str(out), "--format", "jsonl", "--since", "2030-01-01", *store]) == 0
    assert out.read_text() == ""
    assert capsys.readouterr().err == f"no articles match: wrote an empty jsonl file {out}\n"


def test_bad_export_input_is_one_line(
    store: list[str], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    missing = tmp_path / "no" / "such" / "dir.csv"
    assert main(["export", str(missing), "--format", "csv", *store]) == 2
    assert capsys.readouterr().err == (
        f"atnews export: error: {missing}: the folder {missing.parent} does not exist; "
        "create it first\n"
    )
    out = tmp_path / "x.csv"
    assert main(["export", str(out), "--format", "csv", "--filter", '{"$out": "x"}', *store]) == 2
    assert capsys.readouterr().err.startswith("atnews export: error: --filter: $out is not allowed")
    assert not out.exists()


def test_progress_on_a_terminal_does_not_change_the_file(
    store: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("atnews_scraper.commands.export.progress_enabled", lambda: True)
    out = tmp_path / "progress.csv"
    argv = ["export", str(out), "--format", "csv", "--fields", "post_id", "--until", "2022-09-20"]
    assert main([*argv, *store]) == 0
    assert out.read_text(encoding="utf-8") == "post_id\n101\n102\n103\n"
