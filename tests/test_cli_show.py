"""`atnews show`: one article, readable, with its revision history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from analysis_data import cli_args
from pymongo.database import Database

from atnews_scraper.cli import main
from atnews_scraper.ingest.article_store import ArticleStore
from atnews_scraper.ingest.entry import IngestEntry
from tooling.samples import FETCHED_AT, make_page, make_record, story

SITE = "https://www.afghanistantimes.af/"
BANKS = f"""Editorial: Banks need a lifeline
================================
url:        {SITE}editorial-banks-need-a-lifeline/
also at:    {SITE}banks-need-a-lifeline/
post id:    108
published:  2022-10-30T07:00:00+04:30 (datetime)
account:    admin
categories: Editorial
tags:       Economy | Banks
words:      21

The banks cannot lend while their deposits are frozen abroad.

A lifeline for the banks is a lifeline for the economy.

check also: Earthquake shakes Herat province <{SITE}earthquake-shakes-herat-province/>
previous:   Afghanistan beat Sri Lanka in T20 opener \
<{SITE}afghanistan-beat-sri-lanka-in-t20-opener/>
next:       Earthquake shakes Herat province <{SITE}earthquake-shakes-herat-province/>
image:      {SITE}wp-content/uploads/2022/108.jpg
related:
  - The economy after the aid freeze <{SITE}the-economy-after-the-aid-freeze/>

revision history (2 versions):
  revision 1: fetched 2022-10-30T12:00:00+04:30, superseded 2022-11-02T12:00:00+04:30, \
9 words, hash f87e5654b3ff: Editorial: Banks need help
  revision 2 (current): fetched 2026-11-20T10:00:00+04:30, 21 words, hash 205ab488a31d: \
Editorial: Banks need a lifeline
first seen: 2022-10-30T12:00:00+04:30
last seen:  2026-11-20T10:00:00+04:30
"""


@pytest.mark.parametrize(
    "key",
    [
        "108",
        f"{SITE}editorial-banks-need-a-lifeline/",
        "http://afghanistantimes.af/editorial-banks-need-a-lifeline?utm_source=x",
        "https://www.afghanistantimes.media/banks-need-a-lifeline",
        "https://www.afghanistantimes.af/?p=108",
    ],
)
def test_show_by_post_id_url_or_alias_with_revisions(
    analysis_store: list[str], capsys: pytest.CaptureFixture, key: str
) -> None:
    assert main(["show", key, *analysis_store]) == 0
    assert capsys.readouterr().out == BANKS


def test_show_an_article_with_byline_and_no_history(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    assert main(["show", "109", *analysis_store]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:12] == [
        "Earthquake shakes Herat province",
        "================================",
        f"url:        {SITE}earthquake-shakes-herat-province/",
        "post id:    109",
        "published:  2022-11-03T05:20:00+04:30 (datetime)",
        "byline:     AT News",
        "account:    admin",
        "dateline:   Herat",
        "categories: Latest",
        "tags:       Earthquake | Herat",
        "words:      17",
        "",
    ]
    assert "revision history (1 version):\n  revision 1 (current): fetched 2026-11-20" in out


def test_unknown_article_is_said_plainly(
    analysis_store: list[str], capsys: pytest.CaptureFixture
) -> None:
    assert main(["show", "999", *analysis_store]) == 0
    assert capsys.readouterr() == ("", "no stored article has the URL or post ID '999'\n")


def test_history_of_an_article_stored_and_updated_by_the_ingestion_store(
    database: Database, capsys: pytest.CaptureFixture
) -> None:
    store = ArticleStore(database)
    store.open()
    first = make_record(1)
    later = FETCHED_AT + dt.timedelta(hours=2)
    store.write([IngestEntry.from_page(make_page(first), dict(first), first["url"])])
    changed = make_record(1, body=story(1) + "\n\nA correction.", title="Story 1, corrected")
    store.write([IngestEntry.from_page(make_page(changed, later), dict(changed), changed["url"])])
    assert main(["show", "1001", *cli_args(database)]) == 0
    out = capsys.readouterr().out
    history = out[out.index("revision history") :].splitlines()
    words = changed["word_count"]
    superseded = re.fullmatch(r"(.*), superseded (\S+), (.*)", history[1])
    assert superseded is not None  # superseded_at is the wall-clock time of the update
    assert dt.datetime.fromisoformat(superseded[2]) > later
    assert [*history[:1], f"{superseded[1]}, {superseded[3]}", *history[2:]] == [
        "revision history (2 versions):",
        "  revision 1: fetched 2026-11-27T16:30:00+04:30, "
        f"{first['word_count']} words, hash {first['content_hash'][:12]}: Story 1",
        f"  revision 2 (current): fetched 2026-11-27T18:30:00+04:30, {words} words, "
        f"hash {changed['content_hash'][:12]}: Story 1, corrected",
        "first seen: 2026-11-27T16:30:00+04:30",
        "last seen:  2026-11-27T18:30:00+04:30",
    ]
