"""`atnews runs`: the latest crawls, newest first: status, duration, articles, errors by kind."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers, config_from_args, json_on_error, print_json, say
from atnews_scraper.crawl.history import HEADER, latest_runs, run_line
from atnews_scraper.crawl.options import check_positive
from atnews_scraper.database import open_database


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "runs", parents=parents, help="the latest crawl runs: status, duration, counts, errors"
    )
    parser.add_argument("--last", metavar="N", type=int, default=10, help="how many (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on one line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with json_on_error(args.json, {"runs": []}):
        check_positive("--last", args.last)
        config = config_from_args(args)
        runs = latest_runs(open_database(config, say=say), args.last)
    if args.json:
        print_json({"status": "ok", "exit_code": 0, "runs": runs})
    elif not runs:
        say("no crawl recorded yet: run `atnews crawl`")
    else:
        print("\n".join([HEADER, *map(run_line, runs)]))
    return 0
