"""One module per `atnews` sub-command; each exposes ``register(subparsers, parents)``."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from atnews_scraper.config import Config, load_config
from atnews_scraper.errors import AtnewsError

# argparse's sub-parser action type is private; this alias keeps signatures readable.
SubParsers = Any


_told: set[str] = set()


def config_from_args(args: argparse.Namespace) -> Config:
    config = load_config(
        mongo_uri=getattr(args, "mongo_uri", None),
        db_name=getattr(args, "db", None),
        var_dir=getattr(args, "var_dir", None),
        site_url=getattr(args, "site_url", None),
    )
    if config.notice and config.notice not in _told:
        _told.add(config.notice)
        say(config.notice)
    return config


def say(message: str) -> None:
    """Status lines go to stderr so stdout stays clean for data (JSON, CSV)."""
    print(message, file=sys.stderr)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def json_line(report: Mapping[str, Any]) -> str:
    """A report as one JSON object on one line (JSON Lines: cron files, jq, pandas)."""
    return json.dumps(report, default=_json_default, ensure_ascii=False)


def print_json(report: Mapping[str, Any]) -> None:
    print(json_line(report), flush=True)


@contextlib.contextmanager
def json_on_error(enabled: bool, report: Mapping[str, Any]) -> Iterator[None]:
    """With --json, a command that fails still prints one JSON object (status, error, exit_code)
    before the error line reaches stderr, so every run leaves exactly one line on stdout."""
    try:
        yield
    except AtnewsError as exc:
        if enabled:
            print_json({**report, "status": "error", "exit_code": exc.exit_code, "error": str(exc)})
        raise
