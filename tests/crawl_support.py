"""Helpers for crawl tests: run `atnews crawl` in a child process against a replay server.

The Twisted reactor cannot be restarted, so every crawl runs in its own process.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atnews_scraper.config import Config
from atnews_scraper.replay import Snapshot
from atnews_scraper.urls import PageKind, UrlRules

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "fixtures" / "site"
RULES = UrlRules()


def store_args(config: Config) -> list[str]:
    """The options that point a command at the test's database and var dir."""
    assert config.mongo_uri is not None
    return [
        "--mongo-uri",
        config.mongo_uri,
        "--db",
        config.db_name,
        "--var-dir",
        str(config.var_dir),
    ]


@dataclass
class CrawlResult:
    code: int
    stdout: str
    stderr: str

    @property
    def summary(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.stdout)
        return loaded


def run_crawl(
    config: Config, site_url: str, *args: str, timeout: float = 120, polite: bool = False
) -> CrawlResult:
    """`atnews crawl --json [--no-polite]` into the test's database; its exit code and output."""
    command = [
        sys.executable,
        "-m",
        "atnews_scraper.cli",
        "crawl",
        *store_args(config),
        "--site-url",
        site_url,
        *([] if polite else ["--no-polite"]),
        "--json",
        *args,
    ]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )
    return CrawlResult(done.returncode, done.stdout, done.stderr)


def article_paths(snapshot_dir: Path) -> set[str]:
    """Paths of the snapshot's article pages (200 answers at article-shaped URLs)."""
    snapshot = Snapshot.load(snapshot_dir)
    return {
        key
        for key, entry in snapshot.entries.items()
        if entry.status == 200
        and RULES.kind("https://www.afghanistantimes.af" + key) == PageKind.ARTICLE
    }


def fetched(requests: list[dict[str, Any]]) -> Counter[str]:
    """How often each path was requested, from a replay server's request log."""
    return Counter(str(r["path"]) for r in requests)


def copy_site(target: Path) -> Path:
    shutil.copytree(SITE, target)
    return target


# (arguments, error line) of bad options that `atnews crawl` and `atnews worker` share
BAD_SHARED_OPTIONS: list[tuple[list[str], str]] = [
    (["--since", "2024-02-30"], "--since: '2024-02-30' is not a date; use YYYY-MM-DD"),
    (
        ["--sources", "sitemaps,rss"],
        "--sources: unknown source rss; give a comma-separated list of "
        "sitemaps, feeds, listings, links",
    ),
    (["--timeout", "-1"], "--timeout: must be greater than 0 (got -1)"),
    (
        ["--site-url", "www.afghanistantimes.af"],
        "--site-url: 'www.afghanistantimes.af' is not an http(s) URL; expected e.g. "
        "https://www.afghanistantimes.af/ or http://127.0.0.1:8080/",
    ),
]
