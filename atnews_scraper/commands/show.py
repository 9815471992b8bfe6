"""`atnews show`: one article, readable, with its revision history."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any

from atnews_scraper.analysis.formatting import FORMATS, write_rows
from atnews_scraper.analysis.show import render_article
from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.errors import ConfigError
from atnews_scraper.index.access import add_index_options
from atnews_scraper.index.source import open_source
from atnews_scraper.stored_document import document_to_record
from atnews_scraper.urls import UrlRules


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "show", parents=parents, help="one article, readable, with its revision history"
    )
    parser.add_argument("key", metavar="URL|POST_ID", help="the article's URL or WordPress post ID")
    parser.add_argument(
        "--diff", action="store_true", help="also show what changed between revisions, by word"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="output (default: table, the readable text; json: the article and its earlier "
        "versions; jsonl and csv: one line per version, oldest first)",
    )
    add_index_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if not args.key.strip():
        raise ConfigError("give an article URL or a post ID, e.g. atnews show 123456")
    source = open_source(config, args, say)
    found = source.article(args.key, UrlRules(config.hosts, config.site_url))
    if found is None:
        say(f"no stored article has the URL or post ID {args.key!r}")
        return 0
    document, revisions = found
    record = document_to_record(document)
    if args.format != "table":
        write_versions(record, revisions, args.format)
        return 0
    sys.stdout.write(render_article(record, revisions))
    if getattr(args, "diff", False):
        from atnews_scraper.analysis.diff import revision_diffs

        print("\nchanges:\n" + "\n".join(revision_diffs([*revisions, record], current=True)))
    return 0


VERSION_FIELDS = ("revision", "fetched_at", "superseded_at", "word_count", "content_hash", "title")


def write_versions(
    record: Mapping[str, Any], revisions: list[dict[str, Any]], output_format: str
) -> None:
    if output_format == "json":
        json.dump(
            {"article": record, "revisions": revisions}, sys.stdout, ensure_ascii=False, indent=2
        )
        sys.stdout.write("\n")
        return
    write_rows([*revisions, record], VERSION_FIELDS, output_format, sys.stdout)
