"""Is the archive healthy? The facts a monitor needs, and which of them cross their threshold.

Reads only: it never starts the embedded server and creates nothing, so a check cannot hide the
problem it looks for.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymongo.database import Database
from pymongo.errors import PyMongoError

from atnews_scraper.config import Config
from atnews_scraper.crawl.history import last_success, latest_runs
from atnews_scraper.database import CRAWL_STATE, connect, hide_password, resolve_uri
from atnews_scraper.errors import EXIT_PARTIAL, EXIT_UNAVAILABLE, AtnewsError
from atnews_scraper.index import changelog
from atnews_scraper.index import database as index_database
from atnews_scraper.index import sync as index_sync

CHECK_TIMEOUT_MS = 3000
FAILING_SAMPLE = 10
JOURNAL_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class Thresholds:
    max_age_hours: float = 24.0  # since the last successful crawl
    max_failing: int = 50  # URLs waiting for a retry
    max_backlog: int = 0  # journalled records not yet written
    min_free_mb: float = 500.0  # free space where the archive lives
    max_index_lag_hours: float | None = None  # oldest store batch not in the analysis index


def journal_backlog(journal_dir: Path) -> dict[str, int]:
    segments = sorted(journal_dir.rglob(f"*{JOURNAL_SUFFIX}")) if journal_dir.is_dir() else []
    records = 0
    for segment in segments:
        with open(segment, "rb") as lines:
            records += sum(1 for line in lines if line.strip())
    return {"segments": len(segments), "records": records}


def disk_use(home: Path, database: Database | None) -> dict[str, float | None]:
    files = [p for p in home.rglob("*") if p.is_file()] if home.is_dir() else []
    existing = next(p for p in (home, *home.parents) if p.exists())
    database_mb = None
    if database is not None:
        try:
            database_mb = round(database.command("dbStats")["storageSize"] / 1e6, 1)
        except (PyMongoError, KeyError, TypeError):
            database_mb = None  # not every server reports it
    return {
        "home_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1),
        "database_mb": database_mb,
        "free_mb": round(shutil.disk_usage(existing).free / 1e6, 1),
    }


def failing_urls(database: Database) -> dict[str, Any]:
    failed = database[CRAWL_STATE].find({"type": "failed"}, {"url": 1}, sort=[("url", 1)])
    urls = [doc.get("url") for doc in failed]
    return {"count": len(urls), "sample": urls[:FAILING_SAMPLE]}


def index_freshness(database: Database, path: Path, now: dt.datetime) -> dict[str, Any]:
    """How far the analysis index at ``path`` lags MongoDB: the store batches committed since
    its last sync, and the age of the oldest (analyst commands sync first; `atnews browse` and
    other readers of the file see it as it is). Read-only: the file is opened read-only."""
    facts: dict[str, Any] = {
        "path": str(path),
        "exists": path.exists(),
        "synced_at": None,
        "pending_batches": None,
        "lag_hours": None,
    }
    if not facts["exists"]:
        return facts
    try:
        connection = index_database.connect(path, readonly=True)
        try:
            meta = index_database.read_meta(connection)
            applied = index_sync.applied_batches(connection)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return {**facts, "error": f"not a readable analysis index ({exc})"}
    if meta.get("database") != database.name:
        return {**facts, "error": f"it mirrors another database than {database.name}"}
    unread = index_sync.unread_records(changelog.records(database), meta)
    pending = [r["_id"].generation_time for r in index_sync.unapplied_commits(unread, applied)]
    lag = (now - min(pending)).total_seconds() / 3600 if pending else 0.0
    facts.update(
        synced_at=meta.get("synced_at"),
        pending_batches=len(pending),
        lag_hours=round(max(lag, 0.0), 2),
    )
    return facts


def index_problem(facts: Mapping[str, Any], max_lag_hours: float) -> str | None:
    where = f"the analysis index {facts['path']}"
    if not facts["exists"]:
        return f"{where} does not exist (run `atnews index sync`)"
    if "error" in facts:
        return f"{where} cannot be synced: {facts['error']} (`atnews index sync` rebuilds it)"
    if facts["pending_batches"] and facts["lag_hours"] >= max_lag_hours:
        batches = facts["pending_batches"]
        return (
            f"the analysis index lags MongoDB by {facts['lag_hours']:.1f} hours ({batches} store "
            f"batch{'es' if batches > 1 else ''} not in it; run `atnews index sync`)"
        )
    return None


def _run_brief(run: Mapping[str, Any] | None, now: dt.datetime) -> dict[str, Any] | None:
    if run is None:
        return None
    finished = run.get("finished_at") or run.get("started_at")
    age = (now - finished).total_seconds() / 3600 if finished else None
    return {
        "run_id": run.get("run_id"),
        "status": run.get("status"),
        "finished_at": finished,
        "age_hours": round(age, 2) if age is not None else None,
    }


def check_health(config: Config, limits: Thresholds, index_path: Path) -> dict[str, Any]:
    """The health report: facts, problems, healthy, and the exit code for a monitor."""
    now = dt.datetime.now(dt.UTC)
    problems: list[str] = []
    database: Database | None = None
    server: dict[str, Any] = {"reachable": False, "uri": None}
    try:
        uri = resolve_uri(config, autostart=False)
        server["uri"] = hide_password(uri)
        database = connect(uri, config.db_name, timeout_ms=CHECK_TIMEOUT_MS)
        server["reachable"] = True
    except AtnewsError as exc:
        server["error"] = str(exc)
        problems.append(f"the database is not reachable: {exc}")
    report: dict[str, Any] = {"home": str(config.var_dir), "database": config.db_name}
    report["server"] = server
    if database is not None:
        success = _run_brief(last_success(database), now)
        latest = latest_runs(database, 1)
        report["last_success"] = success
        report["last_run"] = _run_brief(latest[0] if latest else None, now)
        report["failing_urls"] = failing_urls(database)
        report["index"] = index_freshness(database, index_path, now)
        if limits.max_index_lag_hours is not None:
            problem = index_problem(report["index"], limits.max_index_lag_hours)
            if problem is not None:
                problems.append(problem)
        if success is None:
            problems.append("no successful crawl recorded")
        elif success["age_hours"] > limits.max_age_hours:
            problems.append(
                f"last successful crawl {success['age_hours']:.1f} hours ago "
                f"(more than {limits.max_age_hours:g})"
            )
        failing = report["failing_urls"]["count"]
        if failing > limits.max_failing:
            problems.append(f"{failing} failing URLs (more than {limits.max_failing})")
    report["journal_backlog"] = journal_backlog(config.journal_dir)
    backlog = report["journal_backlog"]["records"]
    if backlog > limits.max_backlog:
        problems.append(f"{backlog} journalled records not yet written (run `atnews db flush`)")
    report["disk"] = disk_use(config.var_dir, database)
    if report["disk"]["free_mb"] < limits.min_free_mb:
        problems.append(
            f"{report['disk']['free_mb']:.0f} MB free under {config.var_dir} "
            f"(less than {limits.min_free_mb:g})"
        )
    if database is not None:
        database.client.close()
    report["problems"] = problems
    report["healthy"] = not problems
    report["exit_code"] = (
        0 if not problems else EXIT_UNAVAILABLE if not server["reachable"] else EXIT_PARTIAL
    )
    report["status"] = "ok" if not problems else "unhealthy"
    return report


def health_text(report: Mapping[str, Any]) -> str:
    problems = report["problems"]
    head = (
        "healthy"
        if not problems
        else f"unhealthy: {len(problems)} problem" + ("s" if len(problems) > 1 else "")
    )
    lines = [head, *(f"  - {problem}" for problem in problems)]
    server = report["server"]
    lines.append(
        f"server: {'reachable at ' + str(server['uri']) if server['reachable'] else 'unreachable'}"
    )
    success = report.get("last_success")
    if success:
        lines.append(f"last success: {success['run_id']} ({success['age_hours']:.1f} hours ago)")
    last = report.get("last_run")
    if last:
        lines.append(f"last run: {last['run_id']} {last['status']}")
    if "failing_urls" in report:
        lines.append(f"failing URLs: {report['failing_urls']['count']}")
    index = report.get("index")
    if index:
        lines.append(f"analysis index: {_index_line(index)}")
    backlog = report["journal_backlog"]
    lines.append(f"journal backlog: {backlog['records']} records in {backlog['segments']} segments")
    disk = report["disk"]
    database = f", database {disk['database_mb']} MB" if disk["database_mb"] is not None else ""
    lines.append(f"disk: home {disk['home_mb']} MB{database}, {disk['free_mb']:.0f} MB free")
    lines.append(f"home: {report['home']}")
    return "\n".join(lines)


def _index_line(index: Mapping[str, Any]) -> str:
    if not index["exists"]:
        return f"none yet at {index['path']}"
    if "error" in index:
        return f"{index['path']}: {index['error']}"
    if not index["pending_batches"]:
        return f"up to date, last synced {index['synced_at']}"
    return (
        f"{index['pending_batches']} store batches not in it (oldest {index['lag_hours']:.1f} "
        f"hours), last synced {index['synced_at']}"
    )
