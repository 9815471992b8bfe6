"""`atnews search`: full-text search over titles and bodies, best matches first."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from atnews_scraper.analysis.filters import check_limit, combine, date_range
from atnews_scraper.analysis.formatting import add_output_options, write_rows
from atnews_scraper.analysis.search import search
from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.database import open_database
from atnews_scraper.errors import ConfigError
from atnews_scraper.index import search as index_search
from atnews_scraper.index.access import add_index_options, current_index
from atnews_scraper.stored_document import document_to_record

RESULT_COLUMNS = ("score", "published_at", "title", "url")
METHOD_NOTES = {
    "text-index": "ranked by the server's text index",
    "regex-fallback": "no text index on this server: regex match, ranked by title and body hits",
}


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "search", parents=parents, help="full-text search over titles and bodies"
    )
    parser.add_argument(
        "words",
        help='words to look for, e.g. "women education" (all must match unless OR is written; '
        '"a phrase", NOT word, prefix*)',
    )
    parser.add_argument("--since", metavar="DATE", help="only articles published on/after DATE")
    parser.add_argument("--until", metavar="DATE", help="only articles published on/before DATE")
    parser.add_argument("--category", help="only articles in this category")
    parser.add_argument("--limit", type=int, default=20, help="at most N results (default: 20)")
    add_output_options(parser)
    add_index_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    check_limit(args.limit)
    if args.limit < 1:
        raise ConfigError(f"--limit {args.limit}: give a number of results of at least 1")
    base_filter = combine(
        date_range(args.since, args.until),
        {"categories": args.category} if args.category else {},
    )
    if not args.from_mongo:
        return run_on_index(args, base_filter)
    database = open_database(config_from_args(args), say=say)
    outcome = search(database, args.words, base_filter, args.limit)
    if not outcome.results:
        say(f"no articles match {args.words!r}")
        if args.format == "json":
            print("[]")
        return 0
    rows = [
        {"score": result.score, **document_to_record(result.document)} for result in outcome.results
    ]
    title = f"{len(rows)} best matches for {args.words!r}"
    protect = not args.raw_csv
    write_rows(rows, RESULT_COLUMNS, args.format, sys.stdout, title, protect_formulas=protect)
    say(f"search: {METHOD_NOTES[outcome.method]}")
    return 0


INDEX_COLUMNS = (*RESULT_COLUMNS, "snippet")
INDEX_NOTE = (
    "search: ranked by BM25 over the analysis index (every word must match unless OR is "
    "written); --from-mongo searches MongoDB instead"
)


def run_on_index(args: argparse.Namespace, base_filter: dict[str, Any]) -> int:
    index_search.fts_query(args.words)  # a malformed search fails before any sync
    connection = current_index(config_from_args(args), args, say)
    try:
        results = index_search.search(connection, args.words, base_filter, args.limit)
    finally:
        connection.close()
    if not results:
        say(f"no articles match {args.words!r}")
        if args.format == "json":
            print("[]")
        return 0
    rows = [
        {"score": r.score, **document_to_record(r.document), "snippet": r.snippet} for r in results
    ]
    title = f"{len(rows)} best matches for {args.words!r}"
    protect = not args.raw_csv
    write_rows(rows, INDEX_COLUMNS, args.format, sys.stdout, title, protect_formulas=protect)
    say(INDEX_NOTE)
    return 0
