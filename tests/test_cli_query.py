"""`atnews query` against FerretDB holding the fixed analysis data set."""

from __future__ import annotations

import json

import pytest

from atnews_scraper import database as store_module
from atnews_scraper.cli import main

SITE = "https://www.afghanistantimes.af/"


def test_table_lists_matches_newest_first(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    fields = ["--fields", "post_id,title,tags"]
    assert main(["query", '{"categories": "Editorial"}', *fields, *analysis_store]) == 0
    assert capsys.readouterr().out == (
        "2 articles\n"
        "┏━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ post_id ┃ title                                   ┃ tags              ┃\n"
        "┡━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩\n"
        "│ 108     │ Editorial: Banks need a lifeline        │ Economy | Banks   │\n"
        "│ 102     │ Editorial: Girls' education cannot wait │ Education | Women │\n"
        "└─────────┴─────────────────────────────────────────┴───────────────────┘\n"
    )


def test_csv_with_iso_date_filter_joins_lists_and_writes_records_as_json(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    fields = "url,published_at,authors,categories,check_also.url"
    argv = ["query", '{"published_at": {"$lt": "2022-09-21"}}', "--format", "csv"]
    assert main([*argv, "--fields", fields, *analysis_store]) == 0
    assert capsys.readouterr().out == (
        "url,published_at,authors,categories,check_also.url\n"
        f"{SITE}the-economy-after-the-aid-freeze/,2022-09-20T14:05:00+04:30,Jane Doe,Opinions,"
        f"{SITE}taliban-reopen-universities-in-three-provinces/\n"
        f"{SITE}editorial-girls-education-cannot-wait/,2022-09-16T09:30:00+04:30,,Editorial,"
        f"{SITE}the-economy-after-the-aid-freeze/\n"
        f"{SITE}sco-summit-putin-raisi-xi-samarkand/,2022-09-15T00:00:00+04:30,,Latest,"
        f"{SITE}editorial-girls-education-cannot-wait/\n"
    )
    argv = ["query", '{"post_id": 105}', "--format", "csv", "--fields", "previous", *analysis_store]
    assert main(argv) == 0
    assert capsys.readouterr().out == (
        "previous\n"
        '"{""title"":""Taliban reopen universities in three provinces"",""url"":'
        f'""{SITE}taliban-reopen-universities-in-three-provinces/""}}"\n'
    )


def test_jsonl_sorted_by_title_with_a_list_of_nested_values(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    argv = ["query", '{"$or": [{"tags": "Women"}, {"authors": "Jane Doe"}]}', "--format", "jsonl"]
    assert (
        main([*argv, "--fields", "title,authors,related.url", "--sort", "title", *analysis_store])
        == 0
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [
        {
            "title": "Editorial: Girls' education cannot wait",
            "authors": [],
            "related.url": [
                f"{SITE}taliban-reopen-universities-in-three-provinces/",
                f"{SITE}why-women-must-return-to-work/",
            ],
        },
        {
            "title": "Kabul traffic plan announced",
            "authors": ["John Roe", "Jane Doe"],
            "related.url": [],
        },
        {
            "title": "The economy after the aid freeze",
            "authors": ["Jane Doe"],
            "related.url": [f"{SITE}editorial-banks-need-a-lifeline/"],
        },
        {
            "title": "Why women must return to work",
            "authors": ["Sara Ahmadi"],
            "related.url": [f"{SITE}editorial-girls-education-cannot-wait/"],
        },
    ]


def test_json_with_a_limit_says_how_many_were_left_out(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    argv = ["query", "{}", "--limit", "2", "--format", "json", "--fields", "post_id,published_at"]
    assert main([*argv, *analysis_store]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == [
        {"post_id": 112, "published_at": "2022-12-01T12:00:00+04:30"},
        {"post_id": 110, "published_at": "2022-11-21T16:45:00+04:30"},
    ]
    assert captured.err == "showing the first 2 of 12 matches; --limit 0 shows all\n"


def test_undated_articles_sort_last_and_limit_zero_shows_all(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    argv = [
        "query",
        "{}",
        "--limit",
        "0",
        "--format",
        "csv",
        "--fields",
        "post_id",
        *analysis_store,
    ]
    assert main(argv) == 0
    ids = capsys.readouterr().out.split()
    assert ids == [
        "post_id",
        *map(str, [112, 110, 109, 108, 107, 106, 105, 104, 103, 102, 101, 111]),
    ]


def test_an_empty_result_is_said_plainly(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    assert main(["query", '{"categories": "Nope"}', *analysis_store]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "no articles match this filter\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["{}", "--fields", "title,nope"],
            "atnews query: error: --fields: unknown field(s) nope; valid fields: url, post_id,",
        ),
        (["{}", "--sort", "-when"], "atnews query: error: --sort: unknown field(s) when; valid"),
        (['{"title": 1'], "atnews query: error: FILTER_JSON is not valid JSON: Expecting ',' "),
        (['{"$where": "sleep(1)"}'], "atnews query: error: FILTER_JSON: $where is not allowed"),
        (
            ['{"title": {"$frobnicate": 1}}'],
            "atnews query: error: the database refused the filter: ",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_code_2(
    analysis_store: list[str], capsys: pytest.CaptureFixture, argv: list[str], message: str
) -> None:
    assert main(["query", *argv, *analysis_store]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message)
    assert captured.err.count("\n") == 1


def test_an_unreachable_database_is_one_line_with_the_password_hidden(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module.connect, "__defaults__", (300,))  # give up after 0.3 s
    uri = "mongodb://analyst:s3cret@127.0.0.1:9/"
    assert main(["query", "{}", "--mongo-uri", uri]) == 3
    err = capsys.readouterr().err
    assert err.startswith(
        "atnews query: error: cannot reach the database at mongodb://analyst:***@127.0.0.1:9/"
    )
    assert "s3cret" not in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("argv", [["query", "{}"], ["search", "kabul"]])
def test_row_output_options(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    from atnews_scraper.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(argv)
    assert (args.format, args.raw_csv) == ("table", False)
    args = parser.parse_args([*argv, "--format", "jsonl", "--raw-csv"])
    assert (args.format, args.raw_csv) == ("jsonl", True)
    with pytest.raises(SystemExit):
        parser.parse_args([*argv, "--format", "parquet"])
    assert "(choose from 'table', 'json', 'jsonl', 'csv')" in capsys.readouterr().err
