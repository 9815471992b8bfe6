"""`atnews crawl` end to end: the saved site through the replay server into a real FerretDB."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawl_support import BAD_SHARED_OPTIONS, SITE, article_paths, fetched, run_crawl
from pymongo.database import Database

from atnews_scraper.cli import main
from atnews_scraper.config import Config
from atnews_scraper.crawl.lock import CrawlLock
from atnews_scraper.crawl.runner import lock_path
from atnews_scraper.replay import ReplayServer

ARTICLES = article_paths(SITE)
MAIN = "https://www.afghanistantimes.af"


def test_the_saved_site_has_articles_to_crawl() -> None:
    assert len(ARTICLES) == 40


def test_first_crawl_stores_every_article_once_fetching_each_once(
    config: Config, database: Database
) -> None:
    with ReplayServer(SITE) as server:
        site_url = server.url
        result = run_crawl(config, site_url)
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    # With --json (cron) nothing reaches stderr when all goes well; the opening line is logged.
    assert result.stderr == ""
    assert (
        f"crawling {site_url} (first, 0 articles known, 0 failed URLs to retry); "
        f"log: {config.var_dir / 'log' / 'crawl.log'}"
    ) in (config.var_dir / "log" / "crawl.log").read_text()
    assert {path: n for path, n in counts.items() if path in ARTICLES} == dict.fromkeys(ARTICLES, 1)
    assert sum(counts.values()) == 45  # and robots.txt, 2 sitemaps, the feed, the home page
    stored = [d["url"] for d in database["articles"].find({}, {"url": 1})]
    assert sorted(stored) == sorted(MAIN + path for path in ARTICLES)
    summary = result.summary
    assert (summary["status"], summary["mode"], summary["errors"]) == ("ok", "first", {})
    assert summary["article_pages"] == 40
    assert summary["articles"]["new"] == 40
    assert summary["requests"] == 45
    assert summary["requests_per_new_article"] == 1.12
    assert database["crawl_runs"].count_documents({"status": "ok"}) == 1


def test_unreachable_site_is_one_clear_line_within_a_minute(config: Config) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        started = time.monotonic()
        result = run_crawl(config, f"http://127.0.0.1:{port}/", timeout=60)
    assert time.monotonic() - started < 60
    assert result.code == 3
    last = result.stderr.strip().splitlines()[-1]
    assert last == (
        f"atnews crawl: error: cannot reach the site: http://127.0.0.1:{port}/robots.txt: "
        "connection refused; check the network connection, or point --site-url at a mirror"
    )
    assert "Traceback" not in result.stderr
    assert result.summary["status"] == "unreachable"
    assert result.summary["exit_code"] == 3


def test_an_overlapping_run_exits_at_once_with_code_4(config: Config) -> None:
    path = lock_path(config)
    with CrawlLock(path):
        started = time.monotonic()
        result = run_crawl(config, "http://127.0.0.1:9/")
    assert time.monotonic() - started < 20
    assert result.code == 4
    assert result.stderr.strip() == (
        f"atnews crawl: error: another crawl is already running (pid {__import__('os').getpid()}, "
        f"lock {path}); this run did nothing: let that one finish"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        *BAD_SHARED_OPTIONS,
        (["--max-pages", "0"], "--max-pages: must be greater than 0 (got 0)"),
        (
            ["--workers", "2", "--max-pages", "5"],
            "--max-pages: not with --workers (each worker would keep its own budget); "
            "crawl in one process for a bounded run",
        ),
        (
            ["--workers", "2", "-s", "LOG_LEVEL=DEBUG"],
            "-s: not with --workers (the workers are separate processes and take no Scrapy "
            "settings); crawl in one process to pass them",
        ),
        (
            ["--workers", "2", "-O", "items.jsonl"],
            "-o/-O: not with --workers (each worker would write its own file); "
            "use `atnews export` on the archive after the run",
        ),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["crawl", "--var-dir", str(tmp_path), *args])
    assert code == 2
    assert capsys.readouterr().err == f"atnews crawl: error: {message}\n"


@pytest.mark.slow
def test_scrapy_crawl_atnews_from_the_repo_root_stores_the_site(
    config: Config, database: Database
) -> None:
    """`scrapy crawl atnews` (Scrapy's own command, scrapy.cfg settings) works as well."""
    assert config.mongo_uri is not None
    with ReplayServer(SITE) as server:
        done = subprocess.run(
            [
                str(Path(sys.executable).with_name("scrapy")),
                "crawl",
                "atnews",
                "-a",
                f"site_url={server.url}",
                "-s",
                f"ATNEWS_MONGO_URI={config.mongo_uri}",
                "-s",
                f"ATNEWS_DB_NAME={config.db_name}",
                "-s",
                f"ATNEWS_VAR_DIR={config.var_dir}",
                "-s",
                "LOG_LEVEL=WARNING",
                "-s",
                "DOWNLOAD_DELAY=0",
                "-s",
                "AUTOTHROTTLE_ENABLED=False",
            ],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    stored = sorted(d["url"] for d in database["articles"].find({}, {"url": 1}))
    assert stored == sorted(MAIN + path for path in ARTICLES)
