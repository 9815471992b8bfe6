"""How a command reaches the index: options, path, and an up-to-date connection."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from atnews_scraper.config import Config
from atnews_scraper.database import open_database
from atnews_scraper.index.database import connect
from atnews_scraper.index.sync import SyncReport, ensure_current, rebuild

Say = Callable[[str], None]


def add_index_options(parser: argparse.ArgumentParser, from_mongo: bool = True) -> None:
    group = parser.add_argument_group("analysis index")
    if from_mongo:
        group.add_argument(
            "--from-mongo",
            action="store_true",
            help="answer from MongoDB directly instead of the analysis index (slow on FerretDB)",
        )
    group.add_argument(
        "--index",
        metavar="PATH",
        type=Path,
        help="the analysis index file (default: $ATNEWS_INDEX, else VAR_DIR/analysis/DB.db)",
    )


def index_path(config: Config, args: argparse.Namespace | None = None) -> Path:
    chosen = getattr(args, "index", None) if args is not None else None
    return Path(chosen or os.environ.get("ATNEWS_INDEX") or config.index_path).resolve()


def current_index(config: Config, args: argparse.Namespace, say: Say) -> sqlite3.Connection:
    """A connection to the index, synced with MongoDB first (rebuilt if it must be)."""
    path = index_path(config, args)
    database = open_database(config, say=say)
    interactive = sys.stderr.isatty()
    try:
        report = ensure_current(database, path, say, announce_first=interactive)
    finally:
        database.client.close()
    if interactive and report.action != "current":
        say(report.line())
    return connect(path, readonly=True)


def sync_report(config: Config, args: argparse.Namespace, say: Say, full: bool) -> SyncReport:
    path = index_path(config, args)
    database = open_database(config, say=say)
    try:
        if full:
            return rebuild(database, path, "asked for")
        return ensure_current(database, path, count=True)  # the report line says any rebuild
    finally:
        database.client.close()
