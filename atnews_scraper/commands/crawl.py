"""`atnews crawl`: crawl the site into the store (incremental by default, polite, cron-safe)."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
from pathlib import Path

from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.crawl.options import (
    CrawlOptions,
    add_crawl_options,
    check_positive,
    crawl_options_from_args,
    parse_feeds,
    parse_scrapy_settings,
)
from atnews_scraper.distributed.options import (
    add_distributed_options,
    distributed_options_from_args,
)
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
    add_crawl_options(parser, log_file="VAR_DIR/log/crawl.log")
    parser.add_argument(
        "--max-pages", metavar="N", type=int, help="make at most N requests (besides robots.txt)"
    )
    parser.add_argument(
        "--jobdir", metavar="DIR", type=Path, help="keep the queue here; rerun to resume"
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


def crawl_command_options(args: argparse.Namespace) -> CrawlOptions:
    """The crawl's options (those a worker takes too, and this command's own), every value
    checked; raises ConfigError with a one-line reason."""
    config = config_from_args(args)
    check_positive("--max-pages", args.max_pages)
    return dataclasses.replace(
        crawl_options_from_args(args, config),
        max_pages=args.max_pages,
        jobdir=args.jobdir.resolve() if args.jobdir else None,
        scrapy_settings=parse_scrapy_settings(args.scrapy_settings),
        feeds=parse_feeds(args.output, args.overwrite_output),
    )


def run(args: argparse.Namespace) -> int:
    from atnews_scraper.crawl.runner import failure_line, new_run_id, run_crawl

    started = dt.datetime.now(dt.UTC)
    try:
        config = config_from_args(args)
        options = crawl_command_options(args)
        distributed = None
        if args.workers is not None:
            check_positive("--workers", args.workers)
            for given, message in (
                (options.jobdir, "--jobdir: not with --workers (the run's queue is kept in Redis)"),
                (
                    options.max_pages,
                    "--max-pages: not with --workers (each worker would keep its own budget); "
                    "crawl in one process for a bounded run",
                ),
                (
                    options.scrapy_settings,
                    "-s: not with --workers (the workers are separate processes and take no "
                    "Scrapy settings); crawl in one process to pass them",
                ),
                (
                    options.feeds,
                    "-o/-O: not with --workers (each worker would write its own file); "
                    "use `atnews export` on the archive after the run",
                ),
            ):
                if given:
                    raise ConfigError(message)
            distributed = distributed_options_from_args(args)
    except AtnewsError as exc:
        if args.json:  # one JSON line on every path, bad options too
            print(failure_line(exc, new_run_id(started), started, args.site_url), flush=True)
        raise
    if distributed is not None:
        from atnews_scraper.distributed.local import run_local_workers

        return run_local_workers(
            config, options, args.workers, distributed, json_output=args.json, say=say
        )
    return run_crawl(config, options, json_output=args.json, say=say)
