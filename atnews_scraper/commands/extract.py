"""`atnews extract`: extract article records from saved HTML files (JSON Lines)."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers
from atnews_scraper.errors import AtnewsError


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "extract",
        parents=parents,
        help="extract article records from saved HTML files (JSON Lines)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise AtnewsError("`atnews extract` is not built yet (issue 4)")
