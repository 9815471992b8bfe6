"""Is the archive healthy? The facts a monitor needs, and which of them cross their threshold.

Reads only: it never starts the embedded server and creates nothing, so a check cannot hide the
problem it looks for.
"""

from __future__ import annotations

import datetime as dt
import shutil
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

CHECK_TIMEOUT_MS = 3000
FAILING_SAMPLE = 10
JOURNAL_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class Thresholds:
    max_age_hours: float = 24.0  # since the last successful crawl
    max_failing: int = 50  # URLs waiting for a retry
    max_backlog: int = 0  # journalled records not yet written
    min_free_mb: float = 500.0  # free space where the archive lives


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


def index_freshness(database: Database) -> dict[str, Any] | None:
    """Hook for the analysis index (issue 12): how far it lags the articles. None until then."""
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


def check_health(config: Config, limits: Thresholds) -> dict[str, Any]:
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
        report["index"] = index_freshness(database)
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
    backlog = report["journal_backlog"]
    lines.append(f"journal backlog: {backlog['records']} records in {backlog['segments']} segments")
    disk = report["disk"]
    database = f", database {disk['database_mb']} MB" if disk["database_mb"] is not None else ""
    lines.append(f"disk: home {disk['home_mb']} MB{database}, {disk['free_mb']:.0f} MB free")
    lines.append(f"home: {report['home']}")
    return "\n".join(lines)
