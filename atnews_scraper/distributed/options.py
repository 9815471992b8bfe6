"""Command-line options shared by `atnews worker` and `atnews crawl --workers`."""

from __future__ import annotations

import argparse


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
