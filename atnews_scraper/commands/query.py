"""`atnews query`: find articles with a MongoDB filter; print a table, JSON, JSONL or CSV."""

from __future__ import annotations

import argparse
import sys

from atnews_scraper.analysis.fields import parse_field_list, parse_sort
from atnews_scraper.analysis.filters import check_limit, parse_filter
from atnews_scraper.analysis.formatting import add_output_options, write_rows
from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.index.access import add_index_options
from atnews_scraper.index.source import open_source
from atnews_scraper.stored_document import document_to_record

DEFAULT_FIELDS = "published_at,title,url"
DEFAULT_LIMIT = 50


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "query",
        parents=parents,
        help="find articles with a MongoDB filter; print a table, JSON, JSONL or CSV",
        description=(
            "Find articles with a MongoDB filter, e.g. "
            '\'{"categories": "Editorial", "published_at": {"$gte": "2022-09-01"}}\'. '
            "ISO dates under date fields are converted; $where, $function, $accumulator, "
            "$merge and $out are refused."
        ),
    )
    parser.add_argument("filter", metavar="FILTER_JSON", help="MongoDB filter as JSON ('{}': all)")
    parser.add_argument(
        "--fields",
        default=DEFAULT_FIELDS,
        help=f"comma-separated fields to show (default: {DEFAULT_FIELDS})",
    )
    parser.add_argument(
        "--sort",
        default="-published_at",
        help="comma-separated sort fields, '-' for descending (default: -published_at)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        help=f"at most N articles (default: {DEFAULT_LIMIT}; 0: all)",
    )
    add_output_options(parser)
    add_index_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    query = parse_filter(args.filter)
    fields = parse_field_list(args.fields)
    sort = parse_sort(args.sort)
    limit = max(check_limit(args.limit, zero_means_all=True), 0)
    source = open_source(config_from_args(args), args, say)
    total = source.count_matching(query)
    if total == 0:
        say("no articles match this filter")
        if args.format == "json":
            print("[]")
        return 0
    documents = source.find_documents(query, fields, sort, limit)
    rows = (document_to_record(document) for document in documents)
    shown = min(total, limit) if limit else total
    title = f"{shown} of {total} articles" if shown < total else f"{total} articles"
    write_rows(rows, fields, args.format, sys.stdout, title, protect_formulas=not args.raw_csv)
    if shown < total:
        say(f"showing the first {shown} of {total} matches; --limit 0 shows all")
    return 0
