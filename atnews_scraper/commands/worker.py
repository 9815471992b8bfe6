"""`atnews worker`: one worker of a distributed crawl (docs/distributed.md); run one or more on
each machine, all with the same --redis-url and --mongo-uri."""

from __future__ import annotations

import argparse
import logging

from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.crawl.options import add_crawl_options, crawl_options_from_args
from atnews_scraper.distributed.options import (
    add_distributed_options,
    distributed_options_from_args,
)


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
    add_crawl_options(parser, log_file="VAR_DIR/log/worker-ID.log")
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from atnews_scraper.distributed.redis_server import redis_url
    from atnews_scraper.distributed.worker import run_worker

    distributed = distributed_options_from_args(args)
    config = config_from_args(args)
    options = crawl_options_from_args(args, config)
    url = redis_url(config, distributed.redis_url)
    logging.getLogger("scrapy_redis").setLevel(logging.WARNING)
    tell = (lambda _message: None) if args.quiet else say
    return run_worker(
        config,
        options,
        url,
        rate=distributed.rate,
        concurrency=distributed.concurrency,
        run_id=args.run,
        json_output=args.json,
        say=tell,
    )
