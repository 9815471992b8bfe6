"""Run one crawl: lock, read what is stored, run Scrapy, save state, store and print the summary.

The Twisted reactor cannot be restarted, so one process runs one crawl (`atnews crawl`; tests run
it as a subprocess).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from atnews_scraper.config import Config
from atnews_scraper.crawl.extraction import peak_rss_mb
from atnews_scraper.crawl.known import load_known
from atnews_scraper.crawl.lock import CrawlLock
from atnews_scraper.crawl.logs import setup_logging
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.crawl.state import load_state, save_state
from atnews_scraper.crawl.summary import (
    FAILURE_THRESHOLD,
    RunFacts,
    build_summary,
    store_summary,
    summary_json,
    summary_text,
)
from atnews_scraper.errors import EXIT_UNAVAILABLE, AtnewsError
from atnews_scraper.journal import replay_before_crawl
from atnews_scraper.store import connect, resolve_uri

logger = logging.getLogger("atnews.crawl")

# `--no-polite`: for mirrors, replay, tests and benchmarks. robots.txt rules are still obeyed (not
# its Crawl-delay); a host still pauses when a 429 or 503 comes with Retry-After.
NOT_POLITE = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "ATNEWS_RETRY_BACKOFF": 0.05,
    "ATNEWS_RETRY_AFTER_MAX": 30.0,
    "ATNEWS_PAUSE_WITHOUT_RETRY_AFTER": False,
    "ATNEWS_OBEY_CRAWL_DELAY": False,
}
ROBOTS_TIMEOUT_S = 20.0  # with one retry, an unreachable site is reported within a minute


class SiteUnreachable(AtnewsError):
    exit_code = EXIT_UNAVAILABLE


def scrapy_settings(
    config: Config, options: CrawlOptions, mongo_uri: str, progress: str = "off"
) -> Settings:
    """The project's Scrapy settings with this run's options applied."""
    settings = Settings()
    settings.setmodule("atnews_scraper.settings", priority="project")
    overrides: dict[str, Any] = {
        "LOG_INSTALL_ROOT_HANDLER": False,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "ATNEWS_ROBOTS_TIMEOUT": min(options.timeout, ROBOTS_TIMEOUT_S),
        "EXTENSIONS": {"atnews_scraper.crawl.progress.CrawlProgress": 500},
        "ATNEWS_PROGRESS": progress,
        # For the item pipelines: where to store, and the crawl's URL rules.
        "ATNEWS_MONGO_URI": mongo_uri,
        "ATNEWS_DB_NAME": config.db_name,
        "ATNEWS_VAR_DIR": str(config.var_dir),
        "ATNEWS_SITE_URL": options.site_url,
        "ATNEWS_HOSTS": list(options.hosts),
    }
    if options.jobdir is not None:
        overrides["JOBDIR"] = str(options.jobdir)
    if not options.polite:
        overrides.update(NOT_POLITE)
    settings.setdict(overrides, priority="cmdline")
    return settings


def lock_path(config: Config) -> Path:
    """One lock per database: two crawls into the same store never overlap."""
    safe_name = re.sub(r"[^\w.-]", "_", config.db_name)
    return config.run_dir / f"crawl-{safe_name}.lock"


def _terminal_handler() -> tuple[logging.Handler, str]:
    """A rich live display on a terminal; plain log lines on stderr otherwise."""
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(
            console=Console(stderr=True), show_path=False, level=logging.WARNING
        )
        return handler, "rich"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    handler.setLevel(logging.INFO)
    return handler, "plain"


def _run_scrapy(settings: Settings, plan: CrawlPlan) -> Crawler:
    from spiders.atnews import AtnewsSpider

    process = CrawlerProcess(settings)
    # Scrapy's loggers default to DEBUG (a record per request); the file keeps INFO and up.
    logging.getLogger("scrapy").setLevel(logging.INFO)
    crawler = process.create_crawler(AtnewsSpider)
    process.crawl(crawler, plan=plan)
    process.start()
    return crawler


def run_crawl(
    config: Config,
    options: CrawlOptions,
    *,
    json_output: bool = False,
    out: TextIO | None = None,
    say: Callable[[str], None] | None = None,
) -> int:
    """One crawl, start to end; returns the exit code (errors.py)."""
    out = out or sys.stdout
    tell = say or (lambda message: print(message, file=sys.stderr))
    with CrawlLock(lock_path(config)):
        uri = resolve_uri(config, tell)
        database = connect(uri, config.db_name)
        replay_before_crawl(config, database, uri)  # issue 11: what it stores counts as known
        plan = CrawlPlan(options, load_known(database), load_state(database))
        log_file = options.log_file or config.log_dir / "crawl.log"
        terminal, progress = _terminal_handler()
        file_handler = setup_logging(log_file, terminal)
        mode = plan.mode
        tell(
            f"crawling {options.site_url} ({mode}, {len(plan.known)} articles known, "
            f"{len(plan.state.retryable())} failed URLs to retry); log: {log_file}"
        )
        started = dt.datetime.now(dt.UTC)
        try:
            crawler = _run_scrapy(scrapy_settings(config, options, uri, progress), plan)
        finally:
            logging.getLogger().removeHandler(terminal)
        finished = dt.datetime.now(dt.UTC)
        assert crawler.stats is not None
        stats = crawler.stats.get_stats()
        spider: Any = crawler.spider
        facts = RunFacts(
            run_id=f"{started:%Y%m%dT%H%M%S}Z-{os.getpid()}",
            started_at=started,
            finished_at=finished,
            site_url=options.site_url,
            mode=mode,
            refresh=options.refresh,
            since=options.since,
            max_pages=options.max_pages,
            sources=tuple(sorted(options.sources)),
            unreachable=spider.unreachable,
            budget_hit=spider.budget_hit,
            # this process, plus the extraction worker when one ran
            peak_memory_mb=peak_rss_mb() + spider.extractor.worker_peak_mb,
        )
        summary = build_summary(facts, stats)
        logger.info(
            "peak memory: crawl process %.0f MB, extraction worker %.0f MB",
            peak_rss_mb(),
            spider.extractor.worker_peak_mb,
        )
        if summary["status"] != "ok" and summary["status"] != "partial":
            plan.state.new_marks.clear()  # pages they list may not all have been fetched
        save_state(database, plan.state)
        store_summary(database, summary)
        logger.info("summary: %s", summary_json(summary))
        logging.getLogger().removeHandler(file_handler)
        file_handler.close()
    if json_output:
        print(summary_json(summary), file=out)
    if summary["status"] == "unreachable":
        raise SiteUnreachable(
            f"cannot reach the site: {spider.unreachable}; check the network connection, "
            "or point --site-url at a mirror"
        )
    if not json_output:
        print(summary_text(summary), file=out)
    if summary["status"] == "partial":
        tell(
            f"atnews crawl: {summary['errors_total']} failures in {summary['requests']} requests "
            f"(over the allowed {FAILURE_THRESHOLD:.0%}); failed URLs are retried on the next run"
        )
    elif summary["status"] == "interrupted":
        hint = f"; run again with --jobdir {options.jobdir} to resume" if options.jobdir else ""
        tell(f"atnews crawl: interrupted ({summary['finish_reason']}){hint}")
    return int(summary["exit_code"])
