"""One worker of a distributed run (`atnews worker`), start to end: join the database's run in
Redis (or start one), crawl with the shared frontier and politeness budget, and at the end
record this worker's stats; the last worker out writes the run's summary to ``crawl_runs``."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import redis
from pymongo.database import Database
from scrapy.settings import Settings

from atnews_scraper.config import Config
from atnews_scraper.crawl.extraction import peak_rss_mb
from atnews_scraper.crawl.logs import setup_logging
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.crawl.runner import run_scrapy, scrapy_settings
from atnews_scraper.crawl.state import save_state
from atnews_scraper.crawl.summary import RunFacts, build_summary, store_summary, summary_json
from atnews_scraper.database import CRAWL_RUNS, connect, resolve_uri
from atnews_scraper.distributed.redis_server import RedisUnavailable, connect_redis
from atnews_scraper.distributed.run import (
    ALIVE_TTL_MS,
    Run,
    RunOptions,
    merge_stats,
    new_worker_id,
)
from atnews_scraper.distributed.scheduler import lost_redis
from atnews_scraper.errors import SiteUnreachable
from atnews_scraper.journal import flush_journal

logger = logging.getLogger("atnews.worker")

POLITE_RATE = 1.0  # requests per second for the whole site, all workers, unless --rate
DISTRIBUTED_MODULE = "atnews_scraper.distributed"


def distributed_settings(
    settings: Settings, redis_url: str, run: Run, worker: str, rate: float
) -> Settings:
    """The crawl's settings with the shared scheduler, dupefilter and politeness switched on.
    The per-process delays give way to the site-wide budget (one rate for all workers)."""
    downloader = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    downloader[f"{DISTRIBUTED_MODULE}.politeness.SharedRobotsMiddleware"] = 90
    downloader[f"{DISTRIBUTED_MODULE}.politeness.SharedPaceMiddleware"] = 960
    spider = dict(settings.getdict("SPIDER_MIDDLEWARES"))
    spider[f"{DISTRIBUTED_MODULE}.scheduler.LeaseAckMiddleware"] = 1
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions[f"{DISTRIBUTED_MODULE}.scheduler.WorkerBeat"] = 0
    settings.setdict(
        {
            "SCHEDULER": f"{DISTRIBUTED_MODULE}.scheduler.LeasedScheduler",
            "REDIS_URL": redis_url,
            "ATNEWS_RUN_ID": run.run_id,
            "ATNEWS_WORKER_ID": worker,
            "ATNEWS_SITE_RATE": rate,
            "DOWNLOADER_MIDDLEWARES": downloader,
            "SPIDER_MIDDLEWARES": spider,
            "EXTENSIONS": extensions,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "ATNEWS_PROGRESS": "off",
        },
        priority="cmdline",
    )
    return settings


def site_rate(options: CrawlOptions, rate: float | None) -> float:
    """--rate, else 1 request/s polite, else no cap (--no-polite)."""
    if rate is not None:
        return rate
    return POLITE_RATE if options.polite else 0.0


def run_worker(
    config: Config,
    options: CrawlOptions,
    redis_url: str,
    *,
    rate: float | None = None,
    concurrency: int | None = None,
    run_id: str | None = None,
    json_output: bool = False,
    out: TextIO | None = None,
    say: Callable[[str], None] | None = None,
) -> int:
    """One worker, start to end; returns the exit code (errors.py)."""
    out = out or sys.stdout
    tell = say or (lambda message: print(message, file=sys.stderr))
    client = connect_redis(redis_url)
    uri = resolve_uri(config, tell)
    database = connect(uri, config.db_name)
    wanted = RunOptions(options, site_rate(options, rate))
    run, run_options = Run.join_or_create(client, config.db_name, wanted, run_id)
    options = run_options.crawl
    worker = new_worker_id()
    run.beat(worker)
    plan = CrawlPlan.from_store(options, database)
    log_file = options.log_file or config.log_dir / f"worker-{worker}.log"
    terminal = logging.StreamHandler(sys.stderr)
    terminal.setLevel(logging.WARNING)
    file_handler = setup_logging(log_file, terminal)
    tell(
        f"worker {worker}: run {run.run_id}, crawling {options.site_url} ({plan.mode}, "
        f"{run.queued()} queued, rate {run_options.rate or 'no cap'}/s); log: {log_file}"
    )
    settings = scrapy_settings(config, options, uri)
    settings = distributed_settings(settings, redis_url, run, worker, run_options.rate)
    if concurrency is not None:
        settings.setdict(
            {"CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency},
            priority="cmdline",
        )
    from atnews_scraper.distributed.spider import DistributedAtnewsSpider

    try:
        crawler = run_scrapy(settings, plan, DistributedAtnewsSpider)
    finally:
        logging.getLogger().removeHandler(terminal)
    lost = lost_redis(crawler)
    save_state(database, plan.state)  # this worker's failures and marks
    assert crawler.stats is not None
    spider: Any = crawler.spider
    facts = {
        "live": False,
        "mode": plan.mode,
        "budget_hit": spider.budget_hit,
        "peak_memory_mb": peak_rss_mb() + spider.extractor.worker_peak_mb,
        "unreachable": spider.unreachable,
    }
    summary = None
    # What a killed worker of this var dir journalled but never wrote (locked segments of live
    # workers are left alone); its lease may already have been acknowledged.
    flush_journal(config, database)
    try:
        run.record_stats(worker, crawler.stats.get_stats(), facts)
        run.leave(worker)
        summary = finish_run(run, database, options)
    except redis.RedisError as exc:  # the run's state stays in Redis
        lost = lost or str(exc)
    logging.getLogger().removeHandler(file_handler)
    file_handler.close()
    if lost:
        raise RedisUnavailable(
            f"lost Redis at {redis_url} during the run ({lost}); the queue and this worker's "
            "unfinished requests stay in Redis: start the worker again once Redis is back"
        )
    if summary is None:
        tell(f"worker {worker}: done; the last worker of run {run.run_id} writes its summary")
        if json_output:  # one JSON line on every path, as every --json command
            print(summary_json(worker_done(run.run_id, worker)), file=out)
        return 0
    if json_output:
        print(summary_json(summary), file=out)
    if summary["status"] == "unreachable":
        raise SiteUnreachable(f"cannot reach the site: {summary['unreachable']}")
    return int(summary["exit_code"])


def worker_done(run_id: str, worker: str) -> dict[str, Any]:
    """The --json line of a worker that left a run another worker finishes."""
    return {
        "run_id": run_id,
        "worker": worker,
        "status": "ok",
        "exit_code": 0,
        "run_summary": False,  # the last worker of the run prints it, and stores it in crawl_runs
    }


def finish_run(
    run: Run, database: Database, options: CrawlOptions, wait_s: float = ALIVE_TTL_MS / 1000
) -> dict[str, Any] | None:
    """The run's summary, stored, by the one caller that sees the run over; else None.

    Over: nothing queued or leased (or the site unreachable) and no worker beating. A worker
    killed while idle still looks alive until its key expires, so this waits up to ``wait_s``.
    """
    deadline = time.monotonic() + wait_s
    while run.live_workers() and time.monotonic() < deadline:
        time.sleep(0.2)
    if run.live_workers():
        return None
    unreachable = run.text("unreachable")
    if not unreachable and not run.is_drained():
        run.requeue_dead()
        return None
    if not run.claim_summary():
        return None
    summary = run_summary(run, options, unreachable)
    store_summary(database, summary)
    run.close()
    return summary


def run_summary(run: Run, options: CrawlOptions, unreachable: str | None) -> dict[str, Any]:
    per_worker = run.worker_stats()
    stats = merge_stats({name: doc["stats"] for name, doc in per_worker.items()})
    # The run drained: a worker stopped early (SIGTERM, killed) left its share to the others.
    stats["finish_reason"] = "finished"
    facts = [doc["facts"] for doc in per_worker.values()]
    run_facts = RunFacts(
        run_id=run.run_id,
        started_at=run.started_at(),
        finished_at=dt.datetime.now(dt.UTC),
        site_url=options.site_url,
        mode=next((str(f["mode"]) for f in facts if f.get("mode")), "first"),
        refresh=options.refresh,
        since=options.since,
        max_pages=options.max_pages,
        sources=tuple(sorted(options.sources)),
        unreachable=unreachable,
        budget_hit=any(f.get("budget_hit") for f in facts),
        peak_memory_mb=max((float(f.get("peak_memory_mb") or 0) for f in facts), default=0.0),
    )
    summary = build_summary(run_facts, stats)
    summary["workers"] = len(per_worker)
    summary["leases_requeued"] = int(stats.get("atnews/leases_requeued", 0))
    summary["leases_returned"] = int(stats.get("atnews/leases_returned", 0))
    return summary


def stored_summary(database: Database, run_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = database[CRAWL_RUNS].find_one({"_id": run_id})
    if found is not None:
        found.pop("_id", None)
    return found
