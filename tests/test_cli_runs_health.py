"""`atnews runs` and `atnews health`: the crawl history and a monitoring check, on stored runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pymongo.database import Database

from atnews_scraper.cli import main
from atnews_scraper.config import Config
from atnews_scraper.timestamps import KABUL

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def stored_run(run_id: str, hours_ago: float, status: str, **extra: Any) -> dict[str, Any]:
    started = NOW - dt.timedelta(hours=hours_ago)
    return {
        "_id": run_id,
        "run_id": run_id,
        "started_at": started,
        "finished_at": started + dt.timedelta(seconds=90),
        "duration_s": 90.0,
        "status": status,
        "exit_code": {"ok": 0, "partial": 1}.get(status, 3),
        "mode": "incremental",
        "site_url": "https://www.afghanistantimes.af/",
        "articles": {"new": 5, "updated": 2, "unchanged": 30, "rejected": 1, "duplicate": 0},
        "errors": {"http_5xx": 3, "timeout": 1} if status != "ok" else {},
        "errors_total": 4 if status != "ok" else 0,
        **extra,
    }


@pytest.fixture
def history(database: Database, config: Config) -> list[str]:
    database["crawl_runs"].insert_many(
        [
            stored_run("r1", 30, "ok"),
            stored_run("r2", 6, "partial"),
            stored_run("r3", 3, "ok"),
        ]
    )
    database["crawl_state"].insert_many(
        [
            {"_id": "failed:a", "type": "failed", "url": "https://x/a/", "attempts": 2},
            {"_id": "failed:b", "type": "failed", "url": "https://x/b/", "attempts": 1},
            {"_id": "mark:s", "type": "mark", "url": "https://x/sitemap.xml"},
        ]
    )
    return [
        "--mongo-uri", str(config.mongo_uri), "--db", config.db_name,
        "--var-dir", str(config.var_dir),
    ]  # fmt: skip


def test_runs_lists_the_latest_first(
    history: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["runs", "--last", "2", *history]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "started", "(Kabul)", "status", "duration", "new", "updated", "rejected", "errors",
    ]  # fmt: skip
    assert lines[1].split()[2:] == ["ok", "1m30s", "5", "2", "1", "none"]
    kabul = (NOW - dt.timedelta(hours=6)).astimezone(KABUL)
    assert lines[2].split() == [
        f"{kabul:%Y-%m-%d}", f"{kabul:%H:%M}", "partial", "1m30s", "5", "2", "1",
        "http_5xx", "3,", "timeout", "1",
    ]  # fmt: skip
    assert len(lines) == 3


def test_runs_json_is_one_object(history: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["runs", "--json", *history]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    report = json.loads(out)
    assert [run["run_id"] for run in report["runs"]] == ["r3", "r2", "r1"]
    assert report["runs"][1]["errors"] == {"http_5xx": 3, "timeout": 1}
    assert report["runs"][0]["started_at"] == (NOW - dt.timedelta(hours=3)).isoformat()


def test_health_ok(history: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health", "--json", *history]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["healthy"] is True
    assert report["problems"] == []
    assert report["server"]["reachable"] is True
    assert report["last_success"]["run_id"] == "r3"
    assert 2.9 < report["last_success"]["age_hours"] < 3.1
    assert report["last_run"]["status"] == "ok"
    assert report["failing_urls"] == {"count": 2, "sample": ["https://x/a/", "https://x/b/"]}
    assert report["journal_backlog"] == {"segments": 0, "records": 0}
    assert report["disk"]["free_mb"] > 0
    assert (report["index"]["exists"], report["index"]["pending_batches"]) == (False, None)


def test_health_thresholds_make_it_unhealthy(
    history: list[str], capsys: pytest.CaptureFixture[str], config: Config
) -> None:
    journal = config.journal_dir
    journal.mkdir(parents=True)
    (journal / "seg-1.jsonl").write_text('{"a": 1}\n{"a": 2}\n')
    argv = ["health", "--max-age", "2", "--max-failing", "1", *history]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "unhealthy: 3 problems"
    assert "  - last successful crawl 3.0 hours ago (more than 2)" in out
    assert "  - 2 failing URLs (more than 1)" in out
    assert "  - 2 journalled records not yet written (run `atnews db flush`)" in out
    assert "\nanalysis index: none yet at " in out


def test_health_without_a_server_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    assert main(["health", "--json", "--home", str(tmp_path / "h")]) == 3
    report = json.loads(capsys.readouterr().out)
    assert report["healthy"] is False
    assert report["server"]["reachable"] is False
    assert report["problems"] == [
        "the database is not reachable: the embedded database is not running: run `atnews db start`"
    ]
    assert not (tmp_path / "h").exists()  # a check creates nothing


def test_health_without_any_run_is_unhealthy(
    database: Database, config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["health", "--mongo-uri", str(config.mongo_uri), "--db", database.name]
    assert main(argv) == 1
    assert "  - no successful crawl recorded" in capsys.readouterr().out


def test_health_threshold_options(capsys: pytest.CaptureFixture[str]) -> None:
    from atnews_scraper.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["health"])
    defaults = (args.max_age, args.max_failing, args.max_backlog, args.min_free_mb)
    assert defaults == (24.0, 50, 0, 500.0)
    assert [type(value) for value in defaults] == [float, int, int, float]
    args = parser.parse_args(["health", "--max-age", "2.5", "--max-failing", "3"])
    assert (args.max_age, args.max_failing) == (2.5, 3)
    with pytest.raises(SystemExit):
        parser.parse_args(["health", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for line in (
        "--max-age HOURS most hours since the last successful crawl (default 24)",
        "--max-failing N most failed URLs waiting for a retry (default 50)",
        "--max-backlog N most journalled records not yet written (default 0)",
        "--min-free-mb MB least free disk space for the archive (default 500)",
    ):
        assert line in shown
