"""The crawl history in ``crawl_runs``: the latest runs, and the last one that succeeded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.database import Database

from atnews_scraper.database import CRAWL_RUNS
from atnews_scraper.timestamps import KABUL

SHOWN_COUNTS = ("new", "updated", "rejected")


def latest_runs(database: Database, last: int) -> list[dict[str, Any]]:
    """The ``last`` runs, newest first, without their ``_id`` (it repeats ``run_id``)."""
    cursor = database[CRAWL_RUNS].find({}, {"_id": 0}, sort=[("started_at", -1)], limit=last)
    return list(cursor)


def last_success(database: Database) -> dict[str, Any] | None:
    return database[CRAWL_RUNS].find_one({"status": "ok"}, {"_id": 0}, sort=[("finished_at", -1)])


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def errors_text(errors: Mapping[str, int] | None) -> str:
    shown = [f"{kind} {count}" for kind, count in (errors or {}).items() if count]
    return ", ".join(shown) if shown else "none"


HEADER = (
    f"{'started (Kabul)':<17} {'status':<17} {'duration':>8} {'new':>5} {'updated':>7} "
    f"{'rejected':>8}  errors"
)


def run_line(run: Mapping[str, Any]) -> str:
    started = run.get("started_at")
    when = started.astimezone(KABUL).strftime("%Y-%m-%d %H:%M") if started else "-"
    articles = run.get("articles") or {}
    new, updated, rejected = (articles.get(name, "-") for name in SHOWN_COUNTS)
    return (
        f"{when:<17} {run.get('status', '?'):<17} {duration_text(run.get('duration_s')):>8} "
        f"{new:>5} {updated:>7} {rejected:>8}  {errors_text(run.get('errors'))}"
    )
