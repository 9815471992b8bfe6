"""A crawl reads the stored articles once: the crawl plan (known/stale decisions, conditional
headers) and the store pipeline (dedupe, changes) share that read.

The crawl runs in a child process (the reactor cannot restart) with a pymongo command listener
that records every command the real server is sent on the articles collection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from crawl_support import REPO, SITE, store_args
from pymongo.database import Database

from atnews_scraper.config import Config
from atnews_scraper.crawl.known import KNOWN_FIELDS, index_known
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.ingest.article_store import ArticleStore
from atnews_scraper.ingest.entry import IngestEntry
from atnews_scraper.ingest.key_index import KeyIndex
from atnews_scraper.replay import ReplayServer
from tooling.samples import make_page, make_record

# `atnews crawl` with a listener on every client the process makes; at exit, the commands sent
# to the articles collection go to the file named by argv[1], one JSON object a line.
MONITORED_CRAWL = """
import atexit, json, sys
from pymongo import monitoring

out, argv = sys.argv[1], sys.argv[2:]
commands = []

class Listener(monitoring.CommandListener):
    def started(self, event):
        if event.command.get(event.command_name) == "articles":
            commands.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

monitoring.register(Listener())

@atexit.register
def save():
    with open(out, "w") as handle:
        handle.writelines(json.dumps(name) + "\\n" for name in commands)

from atnews_scraper.cli import main
sys.exit(main(argv))
"""


def monitored_crawl(config: Config, site_url: str, log: Path) -> list[str]:
    """`atnews crawl --json --no-polite`; the names of the commands it sent on `articles`."""
    command = [
        sys.executable,
        "-c",
        MONITORED_CRAWL,
        str(log),
        "crawl",
        *store_args(config),
        "--site-url",
        site_url,
        "--no-polite",
        "--json",
    ]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.mark.slow
def test_a_crawl_reads_the_stored_articles_once(
    config: Config, database: Database, tmp_path: Path
) -> None:
    with ReplayServer(SITE) as server:
        first = monitored_crawl(config, server.url, tmp_path / "first.jsonl")
        second = monitored_crawl(config, server.url, tmp_path / "second.jsonl")
    assert database["articles"].count_documents({}) == 40
    # The first crawl stores 40 articles; the second finds them all unchanged.
    assert first.count("find") == 1, first
    assert second.count("find") == 1, second


def key_index_of(keys: KeyIndex | None) -> tuple[object, ...]:
    assert keys is not None
    return (keys.by_id, keys.by_url, keys.by_post, keys.by_hash, keys.by_band)


def test_the_plan_and_the_store_start_from_the_same_read(database: Database) -> None:
    store = ArticleStore(database)
    store.open()
    records = [make_record(n) for n in range(1, 4)]
    store.write(IngestEntry.from_page(make_page(r), dict(r), r["url"]) for r in records)
    database["articles"].update_one(
        {"url": records[0]["url"]}, {"$set": {"url_aliases": ["https://x.af/old/"]}}
    )
    plan = CrawlPlan.from_store(CrawlOptions(), database)
    # What each would have read on its own: the crawl's fields, the store's key index.
    alone = database["articles"].find({}, dict.fromkeys(KNOWN_FIELDS, True))
    assert plan.known == index_known(alone)
    assert sorted(plan.known) == sorted([*(r["url"] for r in records), "https://x.af/old/"])
    store.load_keys()
    keys = plan.take_store_keys()
    assert key_index_of(keys) == key_index_of(store.keys)
    assert plan.take_store_keys() is None  # handed over once: the store changes it
