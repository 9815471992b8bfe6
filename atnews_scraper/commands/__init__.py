"""One module per `atnews` sub-command; each exposes ``register(subparsers, parents)``."""

from __future__ import annotations

import argparse
from typing import Any

from atnews_scraper.config import Config, load_config

# argparse's sub-parser action type is private; this alias keeps signatures readable.
SubParsers = Any


def config_from_args(args: argparse.Namespace) -> Config:
    return load_config(
        mongo_uri=getattr(args, "mongo_uri", None),
        db_name=getattr(args, "db", None),
        var_dir=getattr(args, "var_dir", None),
        site_url=getattr(args, "site_url", None),
    )


def say(message: str) -> None:
    """Status lines go to stderr so stdout stays clean for data (JSON, CSV)."""
    import sys

    print(message, file=sys.stderr)
