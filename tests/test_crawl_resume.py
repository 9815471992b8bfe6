"""--jobdir: an interrupted crawl resumes where it stopped, fetching no article twice."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawl_support import REPO, SITE, article_paths, fetched, run_crawl

from atnews_scraper.config import Config
from atnews_scraper.replay import ReplayServer

ARTICLES = article_paths(SITE)


@pytest.mark.slow
def test_an_interrupted_crawl_resumes_from_its_jobdir(config: Config, tmp_path: Path) -> None:
    jobdir = tmp_path / "job"
    assert config.mongo_uri is not None
    with ReplayServer(SITE, faults=["slow=0.5@/*-*/"]) as server:
        command = [
            sys.executable, "-m", "atnews_scraper.cli", "crawl", "--json", "--no-polite",
            "--mongo-uri", config.mongo_uri, "--db", config.db_name,
            "--var-dir", str(config.var_dir), "--site-url", server.url, "--jobdir", str(jobdir),
        ]  # fmt: skip
        child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while sum(fetched(server.requests)[p] for p in ARTICLES) < 8:
            assert time.monotonic() < deadline, "the crawl never got going"
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        _out, err = child.communicate(timeout=60)
        first = fetched(server.requests)
    assert child.returncode == 1, err.decode()
    assert b"interrupted (shutdown); run again with --jobdir" in err
    first_articles = {p for p in ARTICLES if first[p]}
    assert 8 <= len(first_articles) < len(ARTICLES)

    with ReplayServer(SITE) as server:
        result = run_crawl(config, server.url, "--jobdir", str(jobdir))
        second = fetched(server.requests)
    assert result.code == 0, result.stderr
    second_articles = {p for p in ARTICLES if second[p]}
    assert first_articles | second_articles == ARTICLES
    assert first_articles & second_articles == set()
    assert all(n == 1 for p, n in second.items() if p in ARTICLES)
