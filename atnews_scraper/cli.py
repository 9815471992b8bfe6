"""`atnews`: the command line. Each sub-command lives in its own module under commands/."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from atnews_scraper import __version__
from atnews_scraper.errors import AtnewsError

# Order is the order of `atnews --help`.
COMMAND_MODULES = (
    "crawl",
    "db",
    "extract",
    "fixtures",
    "replay",
    "reparse",
    "query",
    "search",
    "export",
    "stats",
    "show",
    "index",
    "browse",
)


def store_options() -> argparse.ArgumentParser:
    """Options shared by every command that reads or writes the store."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("store")
    group.add_argument(
        "--mongo-uri",
        metavar="URI",
        help="MongoDB server to use (default: $MONGODB_URI, else the embedded FerretDB server)",
    )
    group.add_argument("--db", metavar="NAME", help="database name (default: $ATNEWS_DB or atnews)")
    group.add_argument(
        "--var-dir",
        metavar="DIR",
        help="where the embedded database, logs, locks and journal live (default: ./var)",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atnews",
        description="Crawl Afghanistan Times into MongoDB, and query what was collected.",
    )
    parser.add_argument("--version", action="version", version=f"atnews {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    shared = [store_options()]
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"atnews_scraper.commands.{name}")
        module.register(subparsers, shared)
    return parser


# Options whose value may start with "-" (`--sort -published_at`); argparse would take such a
# value for an unknown option, so it is attached as `--sort=-published_at` before parsing.
DASH_VALUE_OPTIONS = ("--sort",)


def attach_dash_values(argv: Sequence[str]) -> list[str]:
    joined: list[str] = []
    arguments = iter(argv)
    for argument in arguments:
        if argument in DASH_VALUE_OPTIONS:
            value = next(arguments, None)
            joined.append(argument if value is None else f"{argument}={value}")
        else:
            joined.append(argument)
    return joined


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(attach_dash_values(sys.argv[1:] if argv is None else argv))
    try:
        return int(args.handler(args) or 0)
    except AtnewsError as exc:
        print(f"atnews {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"atnews {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
