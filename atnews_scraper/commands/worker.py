"""`atnews worker`: one worker of a distributed crawl (docs/distributed.md); run one or more on
each machine, all with the same --redis-url and --mongo-uri."""

from __future__ import annotations

import argparse
import logging

from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.commands.crawl import options_from_args
from atnews_scraper.crawl.options import DEFAULT_TIMEOUT_S, SOURCES, check_positive
from atnews_scraper.distributed.options import add_distributed_options


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "worker",
        parents=parents,
        help="crawl as one worker of a run shared through Redis",
        description=(
            "Join the database's crawl run in Redis (or start one with these options) and "
            "crawl from its shared queue; the last worker out stores the run's summary. "
            "Exit codes as `atnews crawl`; 3 also when Redis is unreachable."
        ),
    )
    add_distributed_options(parser)
    parser.add_argument("--run", metavar="ID", help=argparse.SUPPRESS)  # set by crawl --workers
    parser.add_argument("--site-url", metavar="URL", help="as `atnews crawl --site-url`")
    parser.add_argument("--full", action="store_true", help="as `atnews crawl --full`")
    parser.add_argument("--refresh", action="store_true", help="as `atnews crawl --refresh`")
    parser.add_argument("--since", metavar="DATE", help="as `atnews crawl --since`")
    parser.add_argument("--no-polite", dest="polite", action="store_false", help="no delays")
    parser.add_argument("--sources", default=",".join(SOURCES), help="discovery sources")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="per request")
    parser.add_argument("--log-file", metavar="PATH", help="default: VAR_DIR/log/worker-ID.log")
    parser.add_argument("--json", action="store_true", help="print the run summary as JSON")
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(
        handler=run,
        max_pages=None,
        jobdir=None,
        scrapy_settings=[],
        output=[],
        overwrite_output=[],
    )


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from atnews_scraper.distributed.redis_server import redis_url
    from atnews_scraper.distributed.worker import run_worker

    if isinstance(args.log_file, str):
        args.log_file = Path(args.log_file)
    check_positive("--rate", args.rate)
    check_positive("--concurrency", args.concurrency)
    options = options_from_args(args)
    config = config_from_args(args)
    url = redis_url(config, args.redis_url)
    logging.getLogger("scrapy_redis").setLevel(logging.WARNING)
    tell = (lambda _message: None) if args.quiet else say
    return run_worker(
        config,
        options,
        url,
        rate=args.rate,
        concurrency=args.concurrency,
        run_id=args.run,
        json_output=args.json,
        say=tell,
    )
