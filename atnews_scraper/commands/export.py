"""`atnews export`: stream articles to JSONL, CSV or Parquet."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers
from atnews_scraper.errors import AtnewsError


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export", parents=parents, help="stream articles to JSONL, CSV or Parquet"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise AtnewsError("`atnews export` is not built yet (issue 7)")
