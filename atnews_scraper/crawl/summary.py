"""The run summary: built from Scrapy stats, stored in ``crawl_runs``, printed as text or JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from atnews_scraper.config import Config
from atnews_scraper.database import CRAWL_RUNS
from atnews_scraper.errors import EXIT_OK, EXIT_PARTIAL, EXIT_UNAVAILABLE

OUTCOMES = ("new", "updated", "unchanged", "rejected", "duplicate", "journalled")
# A run with more failed fetches than this share of its requests exits 1 (404/410 not counted).
FAILURE_THRESHOLD = 0.10
NOT_FAILURES = frozenset({"http_404", "http_410"})
WATCHED_FIELDS = ("title", "body", "published_at", "byline", "categories")


@dataclass(frozen=True)
class RunFacts:
    """What the runner knows besides the stats."""

    run_id: str
    started_at: dt.datetime
    finished_at: dt.datetime
    site_url: str
    mode: str  # "full", "first" or "incremental"
    refresh: bool
    since: dt.date | None
    max_pages: int | None
    sources: tuple[str, ...]
    unreachable: str | None
    budget_hit: bool
    peak_memory_mb: float


def _prefixed(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {
        key.removeprefix(prefix): int(value)
        for key, value in sorted(stats.items())
        if key.startswith(prefix) and isinstance(value, int | float)
    }


def run_status(
    facts: RunFacts, finish_reason: str, errors: Mapping[str, int], requests: int
) -> str:
    if facts.unreachable:
        return "unreachable"
    if finish_reason not in ("finished", "closespider_pagecount"):
        return "interrupted"
    failures = sum(n for kind, n in errors.items() if kind not in NOT_FAILURES)
    if requests and failures / requests > FAILURE_THRESHOLD:
        return "partial"
    return "ok"


EXIT_CODES = {
    "ok": EXIT_OK,
    "partial": EXIT_PARTIAL,
    "interrupted": EXIT_PARTIAL,
    "unreachable": EXIT_UNAVAILABLE,
}


def build_summary(facts: RunFacts, stats: Mapping[str, Any]) -> dict[str, Any]:
    """The summary document (JSON-ready except its two datetimes)."""
    articles = {name: int(stats.get(f"atnews/articles/{name}", 0)) for name in OUTCOMES}
    articles["not_modified"] = int(stats.get("atnews/articles/not_modified", 0))
    extracted = int(stats.get("atnews/pages/articles", 0))
    errors = _prefixed(stats, "atnews/errors/")
    requests = int(stats.get("downloader/request_count", 0))
    finish_reason = str(stats.get("finish_reason", "unknown"))
    status = run_status(facts, finish_reason, errors, requests)
    empty = _prefixed(stats, "atnews/fields_empty/")
    return {
        "run_id": facts.run_id,
        "started_at": facts.started_at,
        "finished_at": facts.finished_at,
        "duration_s": round((facts.finished_at - facts.started_at).total_seconds(), 3),
        "site_url": facts.site_url,
        "mode": facts.mode,
        "refresh": facts.refresh,
        "since": facts.since.isoformat() if facts.since else None,
        "max_pages": facts.max_pages,
        "stopped_at_max_pages": facts.budget_hit,
        "sources": list(facts.sources),
        "status": status,
        "exit_code": EXIT_CODES[status],
        "finish_reason": finish_reason,
        "unreachable": facts.unreachable,
        "requests": requests,
        "pages_fetched": int(stats.get("downloader/response_count", 0)),
        "article_pages": extracted,
        "articles": articles,
        "errors": errors,
        "errors_total": sum(errors.values()),
        "skipped": _prefixed(stats, "atnews/skipped/"),
        "discovery": {
            f"{kind}/{name}": count
            for kind in ("sitemaps", "feeds", "listings")
            for name, count in _prefixed(stats, f"atnews/{kind}/").items()
        },
        "retries": int(stats.get("retry/count", 0)),
        "retry_after_honoured": int(stats.get("atnews/retry_after_honoured", 0)),
        "host_paused": int(stats.get("atnews/host_paused", 0)),
        "host_paused_seconds": float(stats.get("atnews/host_paused_seconds", 0.0)),
        "crawl_delay_s": stats.get("atnews/crawl_delay"),
        "retried_from_last_run": int(stats.get("atnews/retried_from_last_run", 0)),
        "requests_per_new_article": round(requests / articles["new"], 2)
        if articles["new"]
        else None,
        "empty_field_share": {
            name: round(empty.get(name, 0) / extracted, 3) for name in WATCHED_FIELDS
        }
        if extracted
        else {},
        "peak_memory_mb": round(facts.peak_memory_mb, 1),
    }


def failed_summary(
    run_id: str,
    started_at: dt.datetime,
    site_url: str | None,
    status: str,
    exit_code: int,
    error: str,
) -> dict[str, Any]:
    """The summary of a run that ended before or without crawling: refused by the lock, bad
    options, the database unreachable, interrupted at start."""
    finished_at = dt.datetime.now(dt.UTC)
    return {
        "run_id": run_id,
        "started_at": started_at,
        "finished_at": finished_at,
        "duration_s": round((finished_at - started_at).total_seconds(), 3),
        "site_url": site_url,
        "status": status,
        "exit_code": exit_code,
        "error": error,
    }


def store_summary(database: Database, summary: Mapping[str, Any]) -> None:
    database[CRAWL_RUNS].insert_one({"_id": summary["run_id"], **summary})


def pending_runs_path(config: Config) -> Path:
    """Summaries of runs that lost the database, kept for the next run (one file per database)."""
    safe_name = re.sub(r"[^\w.-]", "_", config.db_name)
    return config.run_dir / f"crawl-runs-pending-{safe_name}.jsonl"


def keep_pending(config: Config, summary: Mapping[str, Any]) -> Path:
    path = pending_runs_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as pending:
        pending.write(summary_json(summary) + "\n")
        pending.flush()
    return path


def store_pending(config: Config, database: Database) -> int:
    """Write the kept summaries into ``crawl_runs`` (each once), then forget them."""
    path = pending_runs_path(config)
    if not path.exists():
        return 0
    written = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            summary = json.loads(line)
        except ValueError:
            continue  # a line cut short by a kill: its run is in the log file
        for key in ("started_at", "finished_at"):
            summary[key] = dt.datetime.fromisoformat(summary[key])
        try:
            store_summary(database, summary)
            written += 1
        except DuplicateKeyError:
            pass  # stored by an earlier attempt that was cut short before the file went
    path.unlink()
    return written


def summary_json(summary: Mapping[str, Any]) -> str:
    """One line of JSON (cron appends them to a JSON Lines file)."""

    def default(value: Any) -> Any:
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(summary, default=default, ensure_ascii=False)


def _counts(values: Mapping[str, int]) -> str:
    shown = [f"{key} {value}" for key, value in values.items() if value]
    return ", ".join(shown) if shown else "none"


def summary_text(summary: Mapping[str, Any]) -> str:
    a = summary["articles"]
    lines = [
        f"crawl {summary['status']} in {summary['duration_s']:.1f}s "
        f"({summary['mode']}, {summary['site_url']}): {summary['requests']} requests, "
        f"{summary['pages_fetched']} pages fetched, {summary['article_pages']} article pages",
        f"articles: {a['new']} new, {a['updated']} updated, {a['unchanged']} unchanged, "
        f"{a['rejected']} rejected, {a['duplicate']} duplicate"
        + (f", {a['journalled']} journalled" if a["journalled"] else "")
        + (f", {a['not_modified']} not modified (304)" if a["not_modified"] else ""),
        f"errors: {_counts(summary['errors'])}",
        f"skipped: {_counts(summary['skipped'])}",
    ]
    per_new = summary["requests_per_new_article"]
    lines.append(f"requests per new article: {per_new if per_new is not None else '-'}")
    empty = {k: v for k, v in summary["empty_field_share"].items() if v}
    if empty:
        lines.append(
            "articles with an empty field: " + ", ".join(f"{k} {v:.0%}" for k, v in empty.items())
        )
    discovery = summary["discovery"]
    too_deep = discovery.get("listings/stopped_max_pages", 0)
    stalled = discovery.get("listings/stopped_no_progress", 0)
    if too_deep or stalled:
        lines.append(
            f"listings cut short: {too_deep} at ATNEWS_MAX_LISTING_PAGES, "
            f"{stalled} listing nothing new (ATNEWS_LISTING_STALL_PAGES)"
        )
    if summary["stopped_at_max_pages"]:
        lines.append(f"stopped at --max-pages {summary['max_pages']}")
    return "\n".join(lines)
