"""`atnews export`: stream articles to JSONL, CSV or Parquet."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from atnews_scraper.analysis.articles import count_matching, find_documents
from atnews_scraper.analysis.export import (
    EXPORT_FORMATS,
    STDOUT,
    export_documents,
    progress_enabled,
)
from atnews_scraper.analysis.fields import parse_field_list, parse_sort
from atnews_scraper.analysis.filters import combine, date_range, parse_filter
from atnews_scraper.analysis.formatting import RAW_CSV_HELP
from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.database import open_database


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=parents,
        help="stream articles to JSONL, CSV or Parquet",
        description=(
            "Stream articles to a file in constant memory, in storage order unless --sort is "
            "given. Dates are ISO 8601 "
            "in JSONL and CSV, timestamps in Parquet; in CSV, lists are joined with ' | ' and "
            "nested records are JSON text, and a cell starting with = + - @ (a spreadsheet "
            "formula) gets a leading ' unless --raw-csv is given."
        ),
    )
    parser.add_argument(
        "out", metavar="OUT", help="the file to write (new, or a regular file); - for stdout"
    )
    parser.add_argument("--format", choices=EXPORT_FORMATS, required=True, help="file format")
    parser.add_argument("--filter", metavar="JSON", default="{}", help="MongoDB filter as JSON")
    parser.add_argument("--since", metavar="DATE", help="published on or after DATE")
    parser.add_argument("--until", metavar="DATE", help="published on or before DATE")
    parser.add_argument("--fields", help="comma-separated fields (default: every field)")
    parser.add_argument(
        "--sort",
        help="comma-separated sort fields, '-' for descending (default: storage order; "
        "on FerretDB a sort holds every matching article in the server's memory)",
    )
    parser.add_argument("--raw-csv", action="store_true", help=RAW_CSV_HELP)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    query = combine(parse_filter(args.filter, "--filter"), date_range(args.since, args.until))
    fields = parse_field_list(args.fields) if args.fields else None
    out: str = args.out
    destination = "stdout" if out == STDOUT else out
    protect = not args.raw_csv
    database = open_database(config_from_args(args), say=say)
    total = count_matching(database, query)
    sort = parse_sort(args.sort) if args.sort else None
    documents = find_documents(database, query, fields, sort=sort)
    if progress_enabled():
        columns = (
            TextColumn("exporting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        # On stderr: stdout may be the export itself (OUT -).
        with Progress(*columns, transient=True, console=Console(stderr=True)) as progress:
            task = progress.add_task("export", total=total)
            written = export_documents(
                documents,
                out,
                args.format,
                fields,
                on_record=lambda: progress.advance(task),
                protect_formulas=protect,
            )
    else:
        written = export_documents(documents, out, args.format, fields, protect_formulas=protect)
    if written == 0:
        where = "to stdout" if out == STDOUT else f"file {out}"
        say(f"no articles match: wrote an empty {args.format} {where}")
    else:
        say(f"exported {written} articles to {destination} ({args.format})")
    return 0
