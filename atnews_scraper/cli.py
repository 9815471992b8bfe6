"""`atnews`: the command line. Each sub-command lives in its own module under commands/."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

from atnews_scraper import __version__
from atnews_scraper.errors import EXIT_PARTIAL, EXIT_UNAVAILABLE, EXIT_USAGE, AtnewsError

# Order is the order of `atnews --help`.
COMMAND_MODULES = (
    "crawl",
    "db",
    "runs",
    "health",
    "extract",
    "fixtures",
    "replay",
    "reparse",
    "query",
    "search",
    "export",
    "stats",
    "show",
    "worker",
    "redis",
    "index",
    "browse",
)


def store_options() -> argparse.ArgumentParser:
    """Options shared by every command that reads or writes the store.

    They are accepted before the command too (`atnews --var-dir X export ...`); their default is
    SUPPRESS so that a sub-command's parser does not overwrite a value given before it."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("store")
    group.add_argument(
        "--mongo-uri",
        metavar="URI",
        default=argparse.SUPPRESS,
        help="MongoDB server to use (default: $MONGODB_URI, else the embedded FerretDB server)",
    )
    group.add_argument(
        "--db",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="database name (default: $ATNEWS_DB or atnews)",
    )
    group.add_argument(
        "--var-dir",
        "--home",
        dest="var_dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the archive's home: embedded database, logs, locks and journal (default: "
        "$ATNEWS_HOME, else the user data directory, e.g. ~/.local/share/atnews)",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atnews",
        description="Crawl Afghanistan Times into MongoDB, and query what was collected.",
        parents=[store_options()],
    )
    parser.add_argument("--version", action="version", version=f"atnews {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="print the traceback of an unexpected error"
    )
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


# 128 + SIGPIPE, as a shell reports a program stopped by a closed pipe (`atnews query | head`).
EXIT_BROKEN_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(attach_dash_values(sys.argv[1:] if argv is None else argv))
    try:
        exit_code = int(args.handler(args) or 0)
        sys.stdout.flush()  # here, so that a closed pipe is met inside this try
        return exit_code
    except AtnewsError as exc:
        return fail(args, str(exc), exc.exit_code)
    except KeyboardInterrupt:
        print(f"atnews {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE
    # Last resort: whatever a command did not turn into an AtnewsError is still one line.
    except database_connection_failure() as exc:
        reason = f"the database connection failed ({exc}); check that the server is running"
        return fail(args, reason, EXIT_UNAVAILABLE)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        reason = f"{where}{exc.strerror or exc}; check that the folder (e.g. --var-dir) is writable"
        return fail(args, reason, EXIT_USAGE)
    except Exception as exc:
        reason = (
            f"unexpected {type(exc).__name__}: {exc}; this is a bug: please report it with the "
            f"output of `atnews --debug {args.command} ...`"
        )
        return fail(args, reason, EXIT_PARTIAL)


# This module imports only what every command needs: extraction worker processes (spawned by
# crawl/extraction.py) import the crawl's main module again, and need neither pymongo nor rich.
def database_connection_failure() -> type[Exception]:
    """pymongo's ConnectionFailure, imported when an error reaches the clause that names it."""
    from pymongo.errors import ConnectionFailure

    return ConnectionFailure


def fail(args: argparse.Namespace, reason: str, exit_code: int) -> int:
    """One error line on stderr (after the traceback, with --debug); the exit code."""
    from atnews_scraper.analysis.formatting import terminal_safe

    error = sys.exc_info()[1]
    if args.debug and error is not None and not isinstance(error, AtnewsError):
        traceback.print_exc()
    # A reason may quote stored text (a URL, a title): never let it drive the terminal.
    print(f"atnews {args.command}: error: {terminal_safe(reason)}", file=sys.stderr)
    return exit_code


def silence_stdout() -> None:
    """Point stdout at /dev/null so that flushing it at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
