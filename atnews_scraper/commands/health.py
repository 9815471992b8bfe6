"""`atnews health`: is the archive healthy? Exit 0 when it is, else 1 (3: database unreachable)."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers, config_from_args, json_on_error, print_json
from atnews_scraper.crawl.options import check_positive
from atnews_scraper.health import Thresholds, check_health, health_text
from atnews_scraper.index.access import add_index_options, index_path

# option, metavar, Thresholds field (its default and type), what it bounds
THRESHOLD_OPTIONS = (
    ("--max-age", "HOURS", "max_age_hours", "most hours since the last successful crawl"),
    ("--max-failing", "N", "max_failing", "most failed URLs waiting for a retry"),
    ("--max-backlog", "N", "max_backlog", "most journalled records not yet written"),
    ("--min-free-mb", "MB", "min_free_mb", "least free disk space for the archive"),
)


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    defaults = Thresholds()
    parser = subparsers.add_parser(
        "health",
        parents=parents,
        help="last success and its age, failing URLs, journal backlog, disk, server (monitoring)",
        description="Exit codes: 0 healthy, 1 a threshold crossed, 3 the database unreachable.",
    )
    for option, metavar, name, meaning in THRESHOLD_OPTIONS:
        default = getattr(defaults, name)
        parser.add_argument(
            option,
            metavar=metavar,
            type=type(default),
            default=default,
            help=f"{meaning} (default {default:g})",
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
