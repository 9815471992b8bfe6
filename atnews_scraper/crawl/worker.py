"""What runs in an extraction worker process: a page in, its record (or the extractor's error) out.

The crawl's process pool (crawl/extraction.py) calls these functions in processes that import
only this module and the extractor, not Scrapy or the store. Everything a page needs (its URL
rules and the category names the crawl has learnt) comes with it: a worker keeps no state.
"""

from __future__ import annotations

import os
import resource
import signal

from atnews_scraper.extract import extract_article
from atnews_scraper.record import ArticleRecord
from atnews_scraper.urls import UrlRules


class ExtractorRaised(Exception):
    """The extractor raised in a worker; the message names the original exception."""


def ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group: the crawl stops cleanly and shuts its workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_id() -> int:
    """This worker's process ID: a call that makes the pool start a worker (and import the
    extractor) before the first page."""
    return os.getpid()


def extract_page(
    html: bytes,
    url: str,
    rules: UrlRules,
    content_type: str | None,
    category_names: dict[str, str],
) -> tuple[ArticleRecord, int, float]:
    """The page's record, this worker's process ID and its peak resident memory in MB."""
    try:
        record = extract_article(
            html, url, rules=rules, content_type=content_type, category_names=category_names
        )
    except Exception as exc:  # one line for the crawl, which counts it and goes on
        raise ExtractorRaised(f"{type(exc).__name__}: {exc}") from None
    return record, os.getpid(), peak_rss_mb()


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    /proc's VmHWM, where there is one: Linux carries ``ru_maxrss`` over an exec, so in a process
    started by a big one it reports the parent's size at the fork, not this program's peak.
    """
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
