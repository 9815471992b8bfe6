"""`atnews crawl`: crawl the site into the store (incremental by default)."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers
from atnews_scraper.errors import AtnewsError


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "crawl", parents=parents, help="crawl the site into the store (incremental by default)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise AtnewsError("`atnews crawl` is not built yet (issue 5)")
