"""`atnews health`: is the archive healthy? Exit 0 when it is, else 1 (3: database unreachable)."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers, config_from_args, json_on_error, print_json
from atnews_scraper.crawl.options import check_positive
from atnews_scraper.health import Thresholds, check_health, health_text
from atnews_scraper.index.access import add_index_options, index_path


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    defaults = Thresholds()
    parser = subparsers.add_parser(
        "health",
        parents=parents,
        help="last success and its age, failing URLs, journal backlog, disk, server (monitoring)",
        description="Exit codes: 0 healthy, 1 a threshold crossed, 3 the database unreachable.",
    )
    parser.add_argument(
        "--max-age",
        metavar="HOURS",
        type=float,
        default=defaults.max_age_hours,
        help=f"most hours since the last successful crawl (default {defaults.max_age_hours:g})",
    )
    parser.add_argument(
        "--max-failing",
        metavar="N",
        type=int,
        default=defaults.max_failing,
        help=f"most failed URLs waiting for a retry (default {defaults.max_failing})",
    )
    parser.add_argument(
        "--max-backlog",
        metavar="N",
        type=int,
        default=defaults.max_backlog,
        help=f"most journalled records not yet written (default {defaults.max_backlog})",
    )
    parser.add_argument(
        "--min-free-mb",
        metavar="MB",
        type=float,
        default=defaults.min_free_mb,
        help=f"least free disk space for the archive (default {defaults.min_free_mb:g})",
    )
    parser.add_argument(
        "--max-index-lag",
        metavar="HOURS",
        type=float,
        help="most hours the analysis index may lag MongoDB's store batches (default: not "
        "checked, since analyst commands sync it first)",
    )
    add_index_options(parser, from_mongo=False)
    parser.add_argument("--json", action="store_true", help="print one JSON object on one line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with json_on_error(args.json, {"healthy": False}):
        check_positive("--max-age", args.max_age)
        config = config_from_args(args)
        limits = Thresholds(
            args.max_age, args.max_failing, args.max_backlog, args.min_free_mb, args.max_index_lag
        )
        report = check_health(config, limits, index_path(config, args))
    if args.json:
        print_json(report)
    else:
        print(health_text(report))
    return int(report["exit_code"])
