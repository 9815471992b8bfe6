"""Helpers for distributed crawl tests: a private redis-server per test, workers as child
processes (`atnews crawl --workers N`, `atnews worker`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawl_support import REPO, CrawlResult, store_args

from atnews_scraper.config import Config
from atnews_scraper.distributed.redis_server import PrivateRedis

NO_REDIS = shutil.which("redis-server") is None
needs_redis = pytest.mark.skipif(
    NO_REDIS, reason="redis-server is not installed (`make redis` installs it, as root)"
)


def private_redis(base: Path) -> Iterator[str]:
    server = PrivateRedis(base)
    url = server.start(persist=False)
    try:
        yield url
    finally:
        server.stop()


def crawl_workers(
    config: Config, site_url: str, redis_url: str, workers: int, *args: str, timeout: float = 180
) -> CrawlResult:
    """`atnews crawl --workers N --no-polite --json` into the test's database."""
    command = [
        sys.executable,
        "-m",
        "atnews_scraper.cli",
        "crawl",
        *store_args(config),
        "--site-url",
        site_url,
        "--workers",
        str(workers),
        "--redis-url",
        redis_url,
        "--no-polite",
        "--json",
        *args,
    ]
    done = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )
    return CrawlResult(done.returncode, done.stdout, done.stderr)


def start_worker(
    config: Config, site_url: str, redis_url: str, *args: str
) -> subprocess.Popen[str]:
    """`atnews worker --no-polite --json` in the background."""
    command = [
        sys.executable,
        "-m",
        "atnews_scraper.cli",
        "worker",
        *store_args(config),
        "--site-url",
        site_url,
        "--redis-url",
        redis_url,
        "--no-polite",
        "--json",
        *args,
    ]
    return subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
