"""`atnews search --from-mongo` on FerretDB 1.24 (no text index): the regex fallback, ranked."""

from __future__ import annotations

import json

import pytest

from atnews_scraper.cli import main

SITE = "https://www.afghanistantimes.af/"
FALLBACK_NOTE = "search: no text index on this server: regex match, ranked by title and body hits\n"


def test_matches_rank_title_hits_and_more_words_first(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    assert (
        main(["search", "--from-mongo", "Women EDUCATION", "--format", "jsonl", *analysis_store])
        == 0
    )
    captured = capsys.readouterr()
    assert [json.loads(line) for line in captured.out.splitlines()] == [
        {
            "score": 6,
            "published_at": "2022-09-16T09:30:00+04:30",
            "title": "Editorial: Girls' education cannot wait",
            "url": f"{SITE}editorial-girls-education-cannot-wait/",
        },
        {
            "score": 5,
            "published_at": "2022-11-21T16:45:00+04:30",
            "title": "Why women must return to work",
            "url": f"{SITE}why-women-must-return-to-work/",
        },
        {
            "score": 1,
            "published_at": "2022-09-28T11:00:00+04:30",
            "title": "Taliban reopen universities in three provinces",
            "url": f"{SITE}taliban-reopen-universities-in-three-provinces/",
        },
    ]
    assert captured.err == FALLBACK_NOTE


def test_word_starts_match_longer_words_and_since_limits_dates(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    assert main(["search", "--from-mongo", "the economy", "--format", "csv", *analysis_store]) == 0
    assert capsys.readouterr().out == (
        "score,published_at,title,url\n"
        "3,2022-09-20T14:05:00+04:30,The economy after the aid freeze,"
        f"{SITE}the-economy-after-the-aid-freeze/\n"
        "1,2022-10-30T07:00:00+04:30,Editorial: Banks need a lifeline,"
        f"{SITE}editorial-banks-need-a-lifeline/\n"
        "1,2022-09-16T09:30:00+04:30,Editorial: Girls' education cannot wait,"
        f"{SITE}editorial-girls-education-cannot-wait/\n"
    )
    argv = [
        "search",
        "--from-mongo",
        "econom",
        "--since",
        "2022-10-01",
        "--limit",
        "1",
        "--format",
        "csv",
    ]
    assert main([*argv, *analysis_store]) == 0
    assert capsys.readouterr().out == (
        "score,published_at,title,url\n"
        "1,2022-10-30T07:00:00+04:30,Editorial: Banks need a lifeline,"
        f"{SITE}editorial-banks-need-a-lifeline/\n"
    )


def test_no_match_is_said_plainly(analysis_store: list[str], capsys: pytest.CaptureFixture) -> None:
    assert main(["search", "volcano", *analysis_store]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "no articles match 'volcano'\n")


def test_bad_search_input_is_one_line(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    assert main(["search", "?!", *analysis_store]) == 2
    assert capsys.readouterr().err == (
        "atnews search: error: search: no words to search for; "
        'write e.g. atnews search "election"\n'
    )
    assert main(["search", "tax", "--since", "yesterday", *analysis_store]) == 2
    assert capsys.readouterr().err == (
        "atnews search: error: --since: 'yesterday' is not an ISO 8601 date; "
        "write e.g. 2022-09-01 or 2022-09-01T08:30:00+04:30\n"
    )
