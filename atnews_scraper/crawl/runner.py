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
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from pymongo.errors import PyMongoError
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiders import Spider

from atnews_scraper.config import Config
from atnews_scraper.crawl.extraction import peak_rss_mb
from atnews_scraper.crawl.lock import CrawlLock
from atnews_scraper.crawl.logs import setup_logging
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.crawl.state import save_state
from atnews_scraper.crawl.summary import (
    FAILURE_THRESHOLD,
    RunFacts,
    build_summary,
    failed_summary,
    keep_pending,
    store_pending,
    store_summary,
    summary_json,
    summary_text,
)
from atnews_scraper.database import connect, hide_password, resolve_uri
from atnews_scraper.errors import EXIT_UNAVAILABLE, AtnewsError, LockHeld, StoreUnavailable
from atnews_scraper.journal import replay_before_crawl

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
STORE_LOST = "store_unreachable"  # the status of a run that could not reach the database


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
    if options.feeds:
        overrides["FEEDS"] = options.feeds
    overrides.update(options.scrapy_settings)  # `-s NAME=VALUE`: the user's word is the last
    settings.setdict(overrides, priority="cmdline")
    return settings


def lock_path(config: Config) -> Path:
    """One lock per database: two crawls into the same store never overlap."""
    safe_name = re.sub(r"[^\w.-]", "_", config.db_name)
    return config.run_dir / f"crawl-{safe_name}.lock"


def _terminal_handler(machine_output: bool) -> tuple[logging.Handler, str]:
    """A rich live display on a terminal; plain log lines on stderr otherwise. With --json (cron)
    stderr gets errors only: progress and warnings go to the log file (and counts to the
    summary), so a run that succeeds leaves stderr empty."""
    if machine_output:
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        handler.setLevel(logging.ERROR)
        return handler, "off"
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.logging import RichHandler

        handler = RichHandler(console=Console(stderr=True), show_path=False, level=logging.WARNING)
        return handler, "rich"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    handler.setLevel(logging.INFO)
    return handler, "plain"


def run_scrapy(settings: Settings, plan: CrawlPlan, spider: type[Spider]) -> Crawler:
    """One Scrapy crawl of the spider, from the plan, to its end (a local crawl or a worker)."""
    process = CrawlerProcess(settings)
    # Scrapy's loggers default to DEBUG (a record per request); the file keeps INFO and up.
    logging.getLogger("scrapy").setLevel(logging.INFO)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, plan=plan)
    process.start()
    return crawler


def new_run_id(started: dt.datetime) -> str:
    return f"{started:%Y%m%dT%H%M%S}Z-{os.getpid()}"


# The status of a run that ended before it could crawl, by the error that ended it.
FAILED_STATUS: tuple[tuple[type[AtnewsError], str], ...] = (
    (LockHeld, "locked"),
    (StoreUnavailable, STORE_LOST),
    (AtnewsError, "error"),
)


def failure_line(
    exc: AtnewsError | KeyboardInterrupt, run_id: str, started: dt.datetime, site_url: str | None
) -> str:
    """The one JSON line of a run that ended with this error."""
    if isinstance(exc, KeyboardInterrupt):
        status, code, message = "interrupted", 130, "interrupted before the crawl started"
    else:
        status = next(name for kind, name in FAILED_STATUS if isinstance(exc, kind))
        code, message = exc.exit_code, str(exc)
    return summary_json(failed_summary(run_id, started, site_url, status, code, message))


def run_crawl(
    config: Config,
    options: CrawlOptions,
    *,
    json_output: bool = False,
    out: TextIO | None = None,
    say: Callable[[str], None] | None = None,
) -> int:
    """One crawl, start to end; returns the exit code (errors.py). With json_output, exactly one
    JSON line reaches ``out`` whatever happens; an error that ends the run is raised after it."""
    out = out or sys.stdout
    tell = say or (lambda message: print(message, file=sys.stderr))
    started = dt.datetime.now(dt.UTC)
    run_id = new_run_id(started)
    try:
        with CrawlLock(lock_path(config)):
            return _locked_run(config, options, run_id, started, json_output, out, tell)
    except (AtnewsError, KeyboardInterrupt) as exc:
        if json_output:
            print(failure_line(exc, run_id, started, options.site_url), file=out, flush=True)
        raise


def _locked_run(
    config: Config,
    options: CrawlOptions,
    run_id: str,
    started: dt.datetime,
    json_output: bool,
    out: TextIO,
    tell: Callable[[str], None],
) -> int:
    # With --json, lines that are only news go to the log file once it is open.
    news: list[str] = []
    uri = resolve_uri(config, news.append if json_output else tell)
    database = connect(uri, config.db_name)
    try:
        recorded = store_pending(config, database)
        replay_before_crawl(config, database, uri)  # what it stores counts as known
        plan = CrawlPlan.from_store(options, database)
    except PyMongoError as exc:  # it answered the ping, then went away
        raise StoreUnavailable(
            f"the database at {hide_password(uri)} went away at the start of the crawl "
            f"({str(exc).split(',')[0]}); nothing was done: run again when it is back"
        ) from exc
    if recorded:
        news.append(f"recorded {recorded} earlier run(s) that had lost the database")
    log_file = options.log_file or config.log_dir / "crawl.log"
    terminal, progress = _terminal_handler(json_output)
    file_handler = setup_logging(log_file, terminal)
    for line in news:
        logger.info("%s", line)
    (partial(logger.info, "%s") if json_output else tell)(
        f"crawling {options.site_url} ({plan.mode}, {len(plan.known)} articles known, "
        f"{len(plan.state.retryable())} failed URLs to retry); log: {log_file}"
    )
    from atnews_scraper.spiders.atnews import AtnewsSpider

    try:
        crawler = run_scrapy(scrapy_settings(config, options, uri, progress), plan, AtnewsSpider)
    finally:
        logging.getLogger().removeHandler(terminal)
    finished = dt.datetime.now(dt.UTC)
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    spider: Any = crawler.spider
    facts = RunFacts(
        run_id=run_id,
        started_at=started,
        finished_at=finished,
        site_url=options.site_url,
        mode=plan.mode,
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
    lost = None
    try:
        save_state(database, plan.state)
        store_summary(database, summary)
    except PyMongoError as exc:
        lost = exc
        summary.update(status=STORE_LOST, exit_code=EXIT_UNAVAILABLE)
        summary["error"] = f"the database went away during the crawl: {str(exc).split(',')[0]}"
        pending = keep_pending(config, summary)
    logger.info("summary: %s", summary_json(summary))
    logging.getLogger().removeHandler(file_handler)
    file_handler.close()
    if json_output:
        print(summary_json(summary), file=out, flush=True)
    else:
        print(summary_text(summary), file=out)
    if lost is not None:
        journalled = summary["articles"]["journalled"]
        tell(
            f"atnews crawl: error: the database went away during the crawl "
            f"({hide_password(uri)}); nothing is lost: {journalled} records wait in the journal "
            f"and this run's summary in {pending}, written by the next run or `atnews db flush`"
        )
    elif summary["status"] == "unreachable":
        tell(
            f"atnews crawl: error: cannot reach the site: {spider.unreachable}; check the "
            "network connection, or point --site-url at a mirror"
        )
    elif summary["status"] == "partial":
        tell(
            f"atnews crawl: {summary['errors_total']} failures in {summary['requests']} requests "
            f"(over the allowed {FAILURE_THRESHOLD:.0%}); failed URLs are retried on the next run"
        )
    elif summary["status"] == "interrupted":
        hint = f"; run again with --jobdir {options.jobdir} to resume" if options.jobdir else ""
        tell(f"atnews crawl: interrupted ({summary['finish_reason']}){hint}")
    return int(summary["exit_code"])
