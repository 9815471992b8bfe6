"""`atnews show`: one article, readable, with its revision history."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers
from atnews_scraper.errors import AtnewsError


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "show", parents=parents, help="one article, readable, with its revision history"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise AtnewsError("`atnews show` is not built yet (issue 7)")
