"""`atnews show`: one article, readable, with its revision history."""

from __future__ import annotations

import argparse
import sys

from atnews_scraper.analysis.show import find_article, find_revisions, render_article
from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.database import open_database
from atnews_scraper.errors import ConfigError
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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    if not args.key.strip():
        raise ConfigError("give an article URL or a post ID, e.g. atnews show 123456")
    database = open_database(config, say=say)
    document = find_article(database, args.key, UrlRules(config.hosts, config.site_url))
    if document is None:
        say(f"no stored article has the URL or post ID {args.key!r}")
        return 0
    revisions = find_revisions(database, document)
    record = document_to_record(document)
    sys.stdout.write(render_article(record, revisions))
    if getattr(args, "diff", False):
        from atnews_scraper.analysis.diff import revision_diffs

        print("\nchanges:\n" + "\n".join(revision_diffs([*revisions, record], current=True)))
    return 0
