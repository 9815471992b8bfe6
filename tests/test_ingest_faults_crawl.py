"""Nothing lost, nothing twice, at crawl level: the saved site through the replay server while
the database is stopped mid-crawl, or the crawl process is SIGKILLed midway."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_support import REPO, SITE, article_paths, run_crawl

from atnews_scraper.config import Config, load_config
from atnews_scraper.ferretdb import EmbeddedServer, ServerInfo, free_port
from atnews_scraper.journal import pending_segments
from atnews_scraper.replay import ReplayServer
from atnews_scraper.store import connect

ARTICLES = article_paths(SITE)
# The four editorials come late: the other articles are stored (the flush time bound is 2 s)
# long before they arrive, so the fault always falls between the two.
LATE = "/editorial-*"
SLOW_EDITORIALS = [f"slow=6@{LATE}"]
EDITORIALS = {p for p in ARTICLES if p.startswith("/editorial-")}


def stored_urls(config: Config) -> list[str]:
    """Every stored article URL, once per stored document (a duplicate would show twice)."""
    database = connect(str(config.mongo_uri), config.db_name)
    try:
        return sorted(a["url"] for a in database.articles.find({}, {"url": 1}))
    finally:
        database.client.close()


@pytest.fixture(scope="module")
def reference(ferretdb_server: ServerInfo, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """What an undisturbed crawl of the saved site stores."""
    config = load_config(
        mongo_uri=ferretdb_server.uri,
        db_name=f"t_{uuid.uuid4().hex[:12]}",
        var_dir=tmp_path_factory.mktemp("reference") / "var",
    )
    with ReplayServer(SITE) as server:
        result = run_crawl(config, server.url)
    assert result.code == 0, result.stderr
    return stored_urls(config)


@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    server = EmbeddedServer(tmp_path / "db", tmp_path / "run", tmp_path / "log")
    yield server
    server.stop()


def start(server: EmbeddedServer, tmp_path: Path) -> Config:
    info = server.start(port=free_port())
    return load_config(mongo_uri=info.uri, db_name="faults", var_dir=tmp_path / "var")


def crawl_command(config: Config, site_url: str) -> list[str]:
    return [
        sys.executable, "-m", "atnews_scraper.cli", "crawl", "--json", "--no-polite",
        "--mongo-uri", str(config.mongo_uri), "--db", config.db_name,
        "--var-dir", str(config.var_dir), "--site-url", site_url,
    ]  # fmt: skip


def wait_until_stored(config: Config) -> None:
    """Until the crawl has stored its first batch."""
    deadline = time.monotonic() + 60
    while not stored_urls(config):
        assert time.monotonic() < deadline, "the crawl stored nothing"
        time.sleep(0.1)


@pytest.mark.slow
def test_database_stopped_mid_crawl_then_rerun_stores_everything_once(
    reference: list[str], private_server: EmbeddedServer, tmp_path: Path
) -> None:
    config = start(private_server, tmp_path)
    with ReplayServer(SITE, faults=SLOW_EDITORIALS) as site:
        child = subprocess.Popen(
            crawl_command(config, site.url), cwd=REPO, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_stored(config)
        private_server.stop()
        child.communicate(timeout=180)
    # The late editorials could not be stored: they wait in the journal.
    (segment,) = pending_segments(config.journal_dir)
    assert len(segment.read_text().splitlines()) == len(EDITORIALS)

    config = start(private_server, tmp_path)
    with ReplayServer(SITE) as site:
        result = run_crawl(config, site.url)
    assert result.code == 0, result.stderr
    assert stored_urls(config) == reference
    assert pending_segments(config.journal_dir) == []


@pytest.mark.slow
def test_crawl_killed_with_sigkill_then_rerun_stores_everything_once(
    reference: list[str], private_server: EmbeddedServer, tmp_path: Path
) -> None:
    config = start(private_server, tmp_path)
    with ReplayServer(SITE, faults=SLOW_EDITORIALS) as site:
        child = subprocess.Popen(
            crawl_command(config, site.url), cwd=REPO, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_stored(config)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert len(stored_urls(config)) < len(reference)

    with ReplayServer(SITE) as site:
        result = run_crawl(config, site.url)
    assert result.code == 0, result.stderr
    assert stored_urls(config) == reference
    assert pending_segments(config.journal_dir) == []
