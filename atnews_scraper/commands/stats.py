"""`atnews stats`: counts by day, week, month, category, tag or author; field coverage; charts."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers
from atnews_scraper.errors import AtnewsError


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "stats",
        parents=parents,
        help="counts by day, week, month, category, tag or author; field coverage; charts",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise AtnewsError("`atnews stats` is not built yet (issue 7)")
