"""`atnews stats`: counts by day, week, month, category, tag or author; field coverage; charts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from atnews_scraper.analysis.filters import date_range
from atnews_scraper.analysis.formatting import write_rows
from atnews_scraper.analysis.stats import GROUPINGS, count_by, coverage
from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.database import open_database
from atnews_scraper.errors import ConfigError
from atnews_scraper.extras import require


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "stats",
        parents=parents,
        help="counts by day, week, month, category, tag or author; field coverage; charts",
    )
    parser.add_argument(
        "--by", choices=GROUPINGS, default="month", help="grouping (default: month)"
    )
    parser.add_argument("--since", metavar="DATE", help="only articles published on/after DATE")
    parser.add_argument("--plot", metavar="FILE.png", type=Path, help="also draw a chart")
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="output (default: table)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    query = date_range(args.since, None)
    database = open_database(config_from_args(args), say=say)
    buckets = count_by(database, args.by, query)
    if not buckets:
        say("no articles" + (f" published since {args.since}" if args.since else " stored yet"))
        return 0
    fields_covered = coverage(database, query)
    counts = [{args.by: b.label, "articles": b.count} for b in buckets]
    if args.format == "json":
        empties = [
            {"field": c.field, "empty": c.empty, "total": c.total, "share_empty": c.share_empty}
            for c in fields_covered
        ]
        json.dump({"by": args.by, "counts": counts, "coverage": empties}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        total = fields_covered[0].total
        rows = [
            {"field": c.field, "empty": c.empty, "share empty": f"{c.share_empty:.1%}"}
            for c in fields_covered
        ]
        write_rows(counts, (args.by, "articles"), "table", sys.stdout, f"articles by {args.by}")
        title = f"field coverage ({total} articles)"
        write_rows(rows, ("field", "empty", "share empty"), "table", sys.stdout, title)
    if args.plot:
        require("matplotlib", "atnews stats --plot")
        from atnews_scraper.analysis.plot import plot_counts

        try:
            plot_counts(buckets, args.by, args.plot)
        except (ValueError, OverflowError):  # matplotlib's dates end at years 1 and 9999
            dated = [bucket.label for bucket in buckets if bucket.start is not None]
            raise ConfigError(
                f"--plot: the dates run from {dated[0]} to {dated[-1]}, beyond what a chart can "
                "draw (years 1 to 9999 with margins); narrow them with --since"
            ) from None
        say(f"chart written to {args.plot}")
    return 0
