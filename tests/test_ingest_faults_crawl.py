"""Nothing lost, nothing twice, at crawl level: the saved site through the replay server while
the database is stopped mid-crawl, or the crawl process is SIGKILLed midway."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import ingest_support
import pytest
from crawl_support import REPO, SITE, article_paths, run_crawl
from ingest_support import private_config, stored_urls

from atnews_scraper.config import Config, load_config
from atnews_scraper.ferretdb import EmbeddedServer, ServerInfo
from atnews_scraper.journal import pending_segments
from atnews_scraper.replay import ReplayServer

ARTICLES = article_paths(SITE)
private_server = ingest_support.private_server  # the fixture
# The four editorials come late: the other articles are stored (the flush time bound is 2 s)
# long before they arrive, so the fault always falls between the two.
LATE = "/editorial-*"
SLOW_EDITORIALS = [f"slow=8@{LATE}"]
EDITORIALS = {p for p in ARTICLES if p.startswith("/editorial-")}


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


def interrupted_crawl(
    config: Config, interrupt: Callable[[subprocess.Popen[bytes]], object]
) -> None:
    """A crawl of the saved site, interrupted once it has stored its first batch."""
    with ReplayServer(SITE, faults=SLOW_EDITORIALS) as site:
        child = subprocess.Popen(
            crawl_command(config, site.url), cwd=REPO, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_stored(config)
        interrupt(child)
        child.wait(timeout=180)


def assert_rerun_stores(config: Config, reference: list[str]) -> None:
    """A second crawl leaves the store as an undisturbed one, with the journal empty."""
    with ReplayServer(SITE) as site:
        result = run_crawl(config, site.url)
    assert result.code == 0, result.stderr
    assert stored_urls(config) == reference
    assert pending_segments(config.journal_dir) == []


@pytest.mark.slow
def test_database_stopped_mid_crawl_then_rerun_stores_everything_once(
    reference: list[str], private_server: EmbeddedServer, tmp_path: Path
) -> None:
    config = private_config(private_server, tmp_path)
    interrupted_crawl(config, lambda _child: private_server.stop())
    # The late editorials could not be stored: they wait in the journal.
    (segment,) = pending_segments(config.journal_dir)
    assert len(segment.read_text().splitlines()) == len(EDITORIALS)
    assert_rerun_stores(private_config(private_server, tmp_path), reference)


@pytest.mark.slow
def test_crawl_killed_with_sigkill_then_rerun_stores_everything_once(
    reference: list[str], private_server: EmbeddedServer, tmp_path: Path
) -> None:
    config = private_config(private_server, tmp_path)
    interrupted_crawl(config, lambda child: os.kill(child.pid, signal.SIGKILL))
    assert len(stored_urls(config)) < len(reference)
    assert_rerun_stores(config, reference)
