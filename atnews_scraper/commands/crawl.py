"""`atnews crawl`: crawl the site into the store (incremental by default, polite, cron-safe)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.crawl.options import (
    DEFAULT_TIMEOUT_S,
    SOURCES,
    CrawlOptions,
    check_positive,
    check_site_url,
    parse_feeds,
    parse_scrapy_settings,
    parse_since,
    parse_sources,
)
from atnews_scraper.distributed.options import add_distributed_options
from atnews_scraper.errors import AtnewsError, ConfigError


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "crawl",
        parents=parents,
        help="crawl the site into the store (incremental by default)",
        description=(
            "Discover and fetch the site's articles into the store. Incremental by default: "
            "stored articles are fetched again only when their sitemap lastmod is newer. "
            "Exit codes: 0 ok, 1 too many failures or interrupted, 2 bad options, "
            "3 site or database unreachable, 4 another crawl holds the lock."
        ),
    )
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="fetch from this root instead (a mirror, `atnews replay`); default: $ATNEWS_SITE_URL "
        "or https://www.afghanistantimes.af/",
    )
    parser.add_argument(
        "--full", action="store_true", help="walk every sitemap, feed and listing page"
    )
    parser.add_argument(
        "--refresh", action="store_true", help="fetch already stored articles again"
    )
    parser.add_argument(
        "--since", metavar="DATE", help="only articles published or changed on or after YYYY-MM-DD"
    )
    parser.add_argument(
        "--max-pages", metavar="N", type=int, help="make at most N requests (besides robots.txt)"
    )
    parser.add_argument(
        "--no-polite",
        dest="polite",
        action="store_false",
        help="no delays, no AutoThrottle (mirrors, replay, tests); robots.txt is still obeyed",
    )
    parser.add_argument(
        "--jobdir", metavar="DIR", type=Path, help="keep the queue here; rerun to resume"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--sources",
        default=",".join(SOURCES),
        help=f"comma-separated discovery sources (default: {','.join(SOURCES)})",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"per-request timeout (default: {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--log-file", metavar="PATH", type=Path, help="log file (default: VAR_DIR/log/crawl.log)"
    )
    scrapy = parser.add_argument_group("Scrapy")
    scrapy.add_argument(
        "-s",
        "--set",
        dest="scrapy_settings",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="a Scrapy setting for this run (repeatable), as with `scrapy crawl -s`",
    )
    scrapy.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        action="append",
        default=[],
        help="also append the stored article records to FILE (.jsonl, .json, .csv, .xml)",
    )
    scrapy.add_argument(
        "-O",
        "--overwrite-output",
        metavar="FILE",
        action="append",
        default=[],
        help="like -o, overwriting FILE",
    )
    # Distributed crawl (docs/distributed.md): the same run shared by N worker processes.
    parser.add_argument(
        "--workers", metavar="N", type=int, help="crawl with N worker processes sharing Redis"
    )
    add_distributed_options(parser)
    parser.set_defaults(handler=run)


def options_from_args(args: argparse.Namespace) -> CrawlOptions:
    """The crawl's options, every value checked; raises ConfigError with a one-line reason."""
    config = config_from_args(args)
    check_positive("--max-pages", args.max_pages)
    check_positive("--timeout", args.timeout)
    return CrawlOptions(
        site_url=check_site_url(config.site_url),
        hosts=config.hosts,
        full=args.full,
        refresh=args.refresh,
        since=parse_since(args.since) if args.since else None,
        max_pages=args.max_pages,
        polite=args.polite,
        jobdir=args.jobdir.resolve() if args.jobdir else None,
        sources=parse_sources(args.sources),
        timeout=args.timeout,
        log_file=args.log_file.resolve() if args.log_file else None,
        scrapy_settings=parse_scrapy_settings(args.scrapy_settings),
        feeds=parse_feeds(args.output, args.overwrite_output),
    )


def run(args: argparse.Namespace) -> int:
    from atnews_scraper.crawl.runner import failure_line, new_run_id, run_crawl

    started = dt.datetime.now(dt.UTC)
    try:
        config = config_from_args(args)
        options = options_from_args(args)
        if getattr(args, "workers", None) is not None:
            check_positive("--workers", args.workers)
            if options.jobdir is not None:
                raise ConfigError("--jobdir: not with --workers (the run's queue is kept in Redis)")
            check_positive("--rate", args.rate)
            check_positive("--concurrency", args.concurrency)
    except AtnewsError as exc:
        if args.json:  # one JSON line on every path, bad options too
            print(failure_line(exc, new_run_id(started), started, args.site_url), flush=True)
        raise
    if getattr(args, "workers", None) is not None:
        from atnews_scraper.distributed.local import run_local_workers

        return run_local_workers(
            config,
            options,
            args.workers,
            redis_url=args.redis_url,
            rate=args.rate,
            concurrency=args.concurrency,
            json_output=args.json,
            say=say,
        )
    return run_crawl(config, options, json_output=args.json, say=say)
