"""`atnews crawl --workers N`: one run crawled by N local worker processes (`atnews worker`).

The coordinator holds the database's crawl lock, picks Redis (--redis-url, $REDIS_URL, else the
private server, started for the run and stopped after it), makes the run with this command's
options, starts the workers, forwards SIGINT / SIGTERM to them (each drains: its unfinished
requests go back in the queue), replays what a killed worker left in the journal, and prints
the run's summary.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from atnews_scraper.config import Config
from atnews_scraper.crawl.lock import CrawlLock
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.runner import lock_path
from atnews_scraper.crawl.summary import summary_json, summary_text
from atnews_scraper.database import connect, resolve_uri
from atnews_scraper.distributed.options import DistributedOptions
from atnews_scraper.distributed.redis_server import PrivateRedis, connect_redis
from atnews_scraper.distributed.run import Run, RunOptions
from atnews_scraper.distributed.worker import finish_run, site_rate, stored_summary
from atnews_scraper.errors import EXIT_PARTIAL, SiteUnreachable
from atnews_scraper.journal import flush_journal

REPO = Path(__file__).resolve().parent.parent.parent


def worker_command(
    config: Config,
    options: CrawlOptions,
    redis_url: str,
    run_id: str,
    uri: str,
    index: int,
    concurrency: int | None = None,
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "atnews_scraper.cli",
        "worker",
        "--redis-url",
        redis_url,
        "--run",
        run_id,
        "--mongo-uri",
        uri,
        "--db",
        config.db_name,
        "--var-dir",
        str(config.var_dir),
        "--site-url",
        options.site_url,
        "--log-file",
        str((options.log_file or config.log_dir / "crawl.log").with_suffix(f".worker{index}.log")),
        "--quiet",
        *(["--concurrency", str(concurrency)] if concurrency else []),
    ]


def run_local_workers(
    config: Config,
    options: CrawlOptions,
    workers: int,
    distributed: DistributedOptions,
    *,
    json_output: bool = False,
    out: TextIO | None = None,
    say: Callable[[str], None] | None = None,
) -> int:
    out = out or sys.stdout
    tell = say or (lambda message: print(message, file=sys.stderr))
    with CrawlLock(lock_path(config)):
        private = PrivateRedis(config.var_dir)
        url = distributed.redis_url or os.environ.get("REDIS_URL")
        started_here = False
        if not url:
            started_here = private.pid() is None
            url = private.start()
        try:
            client = connect_redis(url)
            uri = resolve_uri(config, tell)
            database = connect(uri, config.db_name)
            run, _ = Run.join_or_create(
                client, config.db_name, RunOptions(options, site_rate(options, distributed.rate))
            )
            tell(f"crawling {options.site_url} with {workers} workers (run {run.run_id})")
            codes = _run_workers(
                [
                    worker_command(
                        config, options, url, run.run_id, uri, i, distributed.concurrency
                    )
                    for i in range(workers)
                ]
            )
            _replay_journal(config, database, tell)
            summary = stored_summary(database, run.run_id) or finish_run(
                run, database, options, wait_s=0
            )
        finally:
            if started_here:
                private.stop()
    if summary is None:
        tell(
            f"atnews crawl: run {run.run_id} is not finished ({run.queued()} queued, "
            f"worker exit codes {codes}); run the same command again to go on"
        )
        return EXIT_PARTIAL
    if json_output:
        print(summary_json(summary), file=out)
    if summary["status"] == "unreachable":
        raise SiteUnreachable(
            f"cannot reach the site: {summary['unreachable']}; check the network connection, "
            "or point --site-url at a mirror"
        )
    if not json_output:
        print(summary_text(summary), file=out)
    return int(summary["exit_code"])


def _run_workers(commands: list[list[str]]) -> list[int]:
    """Start the workers, pass SIGINT / SIGTERM on to them, wait for all; their exit codes."""
    children = [subprocess.Popen(command, cwd=REPO) for command in commands]

    def forward(signum: int, _frame: FrameType | None) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    previous: dict[int, Any] = {
        signum: signal.signal(signum, forward) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        return [child.wait() for child in children]
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _replay_journal(config: Config, database: Any, tell: Callable[[str], None]) -> None:
    """Store what a killed worker journalled but never wrote (its lease may have been acked)."""
    entries = flush_journal(config, database)
    if entries:
        tell(f"stored {entries} record(s) a stopped worker left in the journal")
