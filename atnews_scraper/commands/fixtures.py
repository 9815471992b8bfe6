"""`atnews fixtures`: record saved pages and check them against their expected records."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers
from atnews_scraper.errors import AtnewsError


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "fixtures",
        parents=parents,
        help="record saved pages and check them against their expected records",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise AtnewsError("`atnews fixtures` is not built yet (issue 3)")
