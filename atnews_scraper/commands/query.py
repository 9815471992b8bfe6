"""`atnews query`: find articles with a MongoDB filter; print a table, JSON, JSONL or CSV."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers
from atnews_scraper.errors import AtnewsError


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "query",
        parents=parents,
        help="find articles with a MongoDB filter; print a table, JSON, JSONL or CSV",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise AtnewsError("`atnews query` is not built yet (issue 7)")
