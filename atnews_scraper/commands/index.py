"""`atnews index sync | rebuild`: bring the analysis index up to date with MongoDB."""

from __future__ import annotations

import argparse

from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.index.access import add_index_options, index_path, sync_report


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "index",
        parents=parents,
        help="the analysis index (SQLite + FTS5) the analyst commands read: sync or rebuild",
        description=(
            "The analyst commands sync the index themselves before answering; these commands "
            "do it on demand. sync applies MongoDB's change log (rebuilding when it must); "
            "rebuild streams every article from MongoDB into a new file."
        ),
    )
    parser.add_argument("action", choices=("sync", "rebuild"), help="what to do")
    add_index_options(parser, from_mongo=False)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    report = sync_report(config, args, say, full=args.action == "rebuild")
    print(f"{report.line()} [{index_path(config, args)}]")
    return 0
