"""`atnews stats`: counts, field coverage and the chart, on the analysis data set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from analysis_data import cli_args, load_analysis_records
from PIL import Image
from pymongo.database import Database

from atnews_scraper.cli import main

COVERAGE_TABLE = (
    "field coverage (12 articles)\n"
    "┏━━━━━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━┓\n"
    "┃ field        ┃ empty ┃ share empty ┃\n"
    "┡━━━━━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━┩\n"
    "│ title        │ 0     │ 0.0%        │\n"
    "│ body         │ 1     │ 8.3%        │\n"
    "│ published_at │ 1     │ 8.3%        │\n"
    "│ authors      │ 9     │ 75.0%       │\n"
    "│ categories   │ 0     │ 0.0%        │\n"
    "│ tags         │ 2     │ 16.7%       │\n"
    "│ check_also   │ 2     │ 16.7%       │\n"
    "└──────────────┴───────┴─────────────┘\n"
)


def test_by_month_table_and_coverage(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    assert main(["stats", *analysis_store]) == 0
    assert capsys.readouterr().out == (
        "articles by month\n"
        "┏━━━━━━━━━━━┳━━━━━━━━━━┓\n"
        "┃ month     ┃ articles ┃\n"
        "┡━━━━━━━━━━━╇━━━━━━━━━━┩\n"
        "│ 2022-09   │ 4        │\n"
        "│ 2022-10   │ 4        │\n"
        "│ 2022-11   │ 2        │\n"
        "│ 2022-12   │ 1        │\n"
        "│ (no date) │ 1        │\n"
        "└───────────┴──────────┘\n" + COVERAGE_TABLE
    )


def test_by_author_counts_bylines_when_no_person_is_named(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    assert main(["stats", "--by", "author", "--format", "json", *analysis_store]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["counts"] == [
        {"author": "AT News", "articles": 5},
        {"author": "(none)", "articles": 3},
        {"author": "Jane Doe", "articles": 2},
        {"author": "AT Monitoring Desk", "articles": 1},
        {"author": "John Roe", "articles": 1},
        {"author": "Sara Ahmadi", "articles": 1},
    ]
    assert result["coverage"][3] == {
        "field": "authors",
        "empty": 9,
        "total": 12,
        "share_empty": 0.75,
    }


def test_by_week_since_a_date_fills_empty_weeks(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    assert (
        main(
            ["stats", "--by", "week", "--since", "2022-10-01", "--format", "json", *analysis_store]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert [(row["week"], row["articles"]) for row in result["counts"]] == [
        ("2022-W39", 1),
        ("2022-W40", 1),
        ("2022-W41", 1),
        ("2022-W42", 0),
        ("2022-W43", 1),
        ("2022-W44", 1),
        ("2022-W45", 0),
        ("2022-W46", 0),
        ("2022-W47", 1),
        ("2022-W48", 1),
    ]
    assert {row["field"]: row["empty"] for row in result["coverage"]} == {
        "title": 0,
        "body": 0,
        "published_at": 0,
        "authors": 5,
        "categories": 0,
        "tags": 1,
        "check_also": 1,
    }


@pytest.mark.parametrize("by", ["day", "category"])
def test_plot_writes_a_png_that_opens(
    analysis_store: list[str], tmp_path: Path, capsys: pytest.CaptureFixture, by: str
) -> None:
    chart = tmp_path / f"{by}.png"
    assert main(["stats", "--by", by, "--plot", str(chart), *analysis_store]) == 0
    assert capsys.readouterr().err == f"chart written to {chart}\n"
    with Image.open(chart) as image:
        assert (image.format, image.size) == ("PNG", (1000, 560))
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None
    assert len(colours) > 10  # not a blank canvas: bars, labels and axes were drawn


def test_empty_store_and_bad_plot_path_are_said_plainly(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["stats", *cli_args(database)]) == 0
    assert capsys.readouterr() == ("", "no articles stored yet\n")
    load_analysis_records(database)
    chart = tmp_path / "missing" / "chart.png"
    assert main(["stats", "--plot", str(chart), *cli_args(database)]) == 2
    assert capsys.readouterr().err.endswith(
        f"atnews stats: error: --plot {chart}: the folder {chart.parent} does not exist; "
        "create it\n"
    )
