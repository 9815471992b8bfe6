"""`atnews replay`: serve a saved site snapshot on 127.0.0.1, with optional fault injection."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers
from atnews_scraper.errors import AtnewsError


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "replay",
        parents=parents,
        help="serve a saved site snapshot on 127.0.0.1, with optional fault injection",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise AtnewsError("`atnews replay` is not built yet (issue 3)")
