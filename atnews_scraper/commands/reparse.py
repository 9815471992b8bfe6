"""`atnews reparse`: re-run extraction over stored raw pages and report what changed."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers
from atnews_scraper.errors import AtnewsError


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "reparse",
        parents=parents,
        help="re-run extraction over stored raw pages and report what changed",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise AtnewsError("`atnews reparse` is not built yet (issue 6)")
