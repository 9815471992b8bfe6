"""Command-line options shared by `atnews worker` and `atnews crawl --workers`."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from atnews_scraper.crawl.options import check_positive


@dataclass(frozen=True)
class DistributedOptions:
    redis_url: str | None = None  # default: $REDIS_URL, else the private server
    rate: float | None = None  # site-wide requests per second (default: distributed/worker.py)
    concurrency: int | None = None  # requests in flight per worker (default: Scrapy settings)


def add_distributed_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redis-url",
        metavar="URL",
        help="the run's Redis (default: $REDIS_URL, else the one `atnews redis start` runs)",
    )
    parser.add_argument(
        "--rate",
        metavar="PER_SECOND",
        type=float,
        help="with workers: site-wide requests per second, all workers together "
        "(default: 1 when polite, no cap with --no-polite)",
    )
    parser.add_argument(
        "--concurrency",
        metavar="N",
        type=int,
        help="with workers: requests in flight per worker (default: 16 with --no-polite, else 8)",
    )


def distributed_options_from_args(args: argparse.Namespace) -> DistributedOptions:
    """The options add_distributed_options declares, checked; raises ConfigError."""
    check_positive("--rate", args.rate)
    check_positive("--concurrency", args.concurrency)
    return DistributedOptions(args.redis_url, args.rate, args.concurrency)
