"""`atnews crawl --json`: one JSON object on one line on every path; stderr only for problems.

The README's cron recipe is run as written (the schedule fields aside) three times: a run that
succeeds, one refused by the lock, one with the database down; the file it appends to is JSON
Lines and its error file holds exactly the two failures.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from crawl_support import REPO, SITE, run_crawl
from ingest_support import private_config, private_server, stored_urls
from pymongo.database import Database

from atnews_scraper.config import Config, load_config
from atnews_scraper.crawl.lock import CrawlLock
from atnews_scraper.crawl.runner import lock_path
from atnews_scraper.database import connect
from atnews_scraper.ferretdb import EmbeddedServer
from atnews_scraper.replay import ReplayServer

__all__ = ["private_server"]  # the fixture


def cron_command() -> str:
    """The command of the README's crawl cron line (after its five schedule fields)."""
    readme = (REPO / "README.md").read_text()
    block = re.search(r"```cron\n(.*?)```", readme, re.S)
    assert block is not None
    (line,) = [x for x in block.group(1).splitlines() if x.strip() and not x.startswith("#")]
    return line.split(None, 5)[5]


def run_cron(command: str, env: dict[str, str]) -> int:
    """The cron line's command through sh, with this checkout's atnews, not polite (replay)."""
    atnews = f"{shlex.quote(sys.executable)} -m atnews_scraper.cli"
    command = re.sub(r"\S*/atnews crawl", f"{atnews} crawl --no-polite", command)
    done = subprocess.run(["sh", "-c", command], cwd=REPO, env=env, timeout=120, check=False)
    return done.returncode


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def dead_uri() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"mongodb://127.0.0.1:{port}/?serverSelectionTimeoutMS=300"


def cron_env(config: Config, tmp_path: Path, site_url: str, mongo_uri: str) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(tmp_path / "user"),
        "ATNEWS_HOME": str(config.var_dir),
        "MONGODB_URI": mongo_uri,
        "ATNEWS_DB": config.db_name,
        "ATNEWS_SITE_URL": site_url,
    }


def cron_files(env: dict[str, str]) -> tuple[Path, Path]:
    """The recipe's output and error files, as sh expands their names."""
    command = cron_command()
    out, err = re.findall(r"2?>>\s*(\S+)", command)
    expand = subprocess.run(
        ["sh", "-c", f"echo {out}; echo {err}"], env=env, capture_output=True, text=True
    ).stdout.split()
    return Path(expand[0]), Path(expand[1])


@pytest.mark.slow
def test_cron_recipe_success_lock_refused_database_down(
    config: Config, database: Database, tmp_path: Path
) -> None:
    assert config.mongo_uri is not None
    with ReplayServer(SITE) as site:
        env = cron_env(config, tmp_path, site.url, config.mongo_uri)
        out, err = cron_files(env)
        out.parent.mkdir(parents=True, exist_ok=True)
        assert run_cron(cron_command(), env) == 0
        assert err.exists() and err.read_text() == ""  # a quiet success: an empty error file
        with CrawlLock(lock_path(config)):
            assert run_cron(cron_command(), env) == 4
        down = cron_env(config, tmp_path, site.url, dead_uri())
        assert run_cron(cron_command(), down) == 3
    runs = read_lines(out)
    assert [(r["status"], r["exit_code"]) for r in runs] == [
        ("ok", 0),
        ("locked", 4),
        ("store_unreachable", 3),
    ]
    assert runs[0]["articles"]["new"] == 40
    assert runs[1]["error"].startswith("another crawl is already running (pid ")
    assert runs[2]["error"].startswith("cannot reach the database at mongodb://127.0.0.1:")
    errors = err.read_text().splitlines()
    assert [line.split(":")[0:2] for line in errors] == [["atnews crawl", " error"]] * 2
    assert database["crawl_runs"].count_documents({}) == 1
    # As an analyst reads it (the [analysis] extra, installed for the tests).
    import pandas

    frame = pandas.read_json(out, lines=True)
    assert list(frame["status"]) == ["ok", "locked", "store_unreachable"]
    assert list(frame["exit_code"]) == [0, 4, 3]
    jq = shutil.which("jq")
    if jq is not None:  # and as an operator reads it
        statuses = subprocess.run(
            [jq, "-r", ".status", str(out)], capture_output=True, text=True, check=True
        ).stdout.split()
        assert statuses == ["ok", "locked", "store_unreachable"]


def test_a_bad_option_prints_one_json_line(config: Config) -> None:
    result = run_crawl(config, "http://127.0.0.1:9/", "--since", "2024-02-30")
    assert result.code == 2
    assert result.stdout.count("\n") == 1
    report = json.loads(result.stdout)
    assert (report["status"], report["exit_code"]) == ("error", 2)
    assert report["error"] == "--since: '2024-02-30' is not a date; use YYYY-MM-DD"
    assert result.stderr == (
        "atnews crawl: error: --since: '2024-02-30' is not a date; use YYYY-MM-DD\n"
    )


def test_a_refused_run_prints_one_json_line(config: Config) -> None:
    with CrawlLock(lock_path(config)):
        result = run_crawl(config, "http://127.0.0.1:9/")
    assert result.code == 4
    report = json.loads(result.stdout)
    assert result.stdout.count("\n") == 1
    assert (report["status"], report["exit_code"]) == ("locked", 4)
    assert report["run_id"].endswith(tuple("0123456789"))
    assert report["site_url"] == "http://127.0.0.1:9/"


def test_a_successful_json_run_is_one_line_and_a_quiet_stderr(config: Config) -> None:
    with ReplayServer(SITE) as site:
        site_url = site.url
        result = run_crawl(config, site_url, "--max-pages", "3")
    assert result.code == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert result.summary["status"] == "ok"
    assert result.stderr == ""
    log = (config.var_dir / "log" / "crawl.log").read_text()
    assert f"crawling {site_url} (first, 0 articles known" in log


def crawl_command(config: Config, site_url: str) -> list[str]:
    return [
        sys.executable, "-m", "atnews_scraper.cli", "crawl", "--json", "--no-polite",
        "--mongo-uri", str(config.mongo_uri), "--db", config.db_name,
        "--var-dir", str(config.var_dir), "--site-url", site_url,
    ]  # fmt: skip


@pytest.mark.slow
def test_database_killed_mid_crawl_exits_3_with_json_and_a_run_recorded_later(
    private_server: EmbeddedServer, tmp_path: Path
) -> None:
    config = private_config(private_server, tmp_path)
    with ReplayServer(SITE, faults=["slow=8@/editorial-*"]) as site:
        child = subprocess.Popen(
            crawl_command(config, site.url),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not stored_urls(config):
            assert time.monotonic() < deadline, "the crawl stored nothing"
            time.sleep(0.1)
        private_server.stop()
        stdout, stderr = child.communicate(timeout=180)
    assert child.returncode == 3, stderr
    assert "Traceback" not in stderr
    (line,) = stdout.splitlines()
    report = json.loads(line)
    assert (report["status"], report["exit_code"]) == ("store_unreachable", 3)
    assert report["articles"]["journalled"] == 4
    assert stderr.splitlines() == [  # one line, nothing else
        f"atnews crawl: error: the database went away during the crawl ({config.mongo_uri}); "
        "nothing is lost: 4 records wait in the journal and this run's summary in "
        f"{config.run_dir / 'crawl-runs-pending-faults.jsonl'}, written by the next run "
        "or `atnews db flush`"
    ]
    # The database is back: the next run records the lost run's summary, then its own.
    config = private_config(private_server, tmp_path)
    with ReplayServer(SITE) as site:
        again = run_crawl(config, site.url)
    assert again.code == 0, again.stderr
    database = connect(str(config.mongo_uri), config.db_name)
    try:
        statuses = {run["_id"]: run["status"] for run in database["crawl_runs"].find()}
    finally:
        database.client.close()
    assert statuses == {report["run_id"]: "store_unreachable", again.summary["run_id"]: "ok"}
    assert not (config.run_dir / "crawl-runs-pending-faults.jsonl").exists()


def test_load_config_is_untouched_by_the_tests_home() -> None:
    assert load_config().var_dir == Path(os.environ["ATNEWS_HOME"])


def test_db_flush_records_kept_run_summaries(config: Config, database: Database) -> None:
    import datetime as dt

    from atnews_scraper.cli import main
    from atnews_scraper.crawl.summary import failed_summary, keep_pending

    started = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    keep_pending(config, failed_summary("r1", started, None, "store_unreachable", 3, "gone"))
    args = ["--mongo-uri", str(config.mongo_uri), "--db", config.db_name]
    assert main(["db", "flush", *args, "--var-dir", str(config.var_dir)]) == 0
    (run,) = database["crawl_runs"].find()
    assert (run["_id"], run["status"], run["started_at"]) == ("r1", "store_unreachable", started)
    assert main(["db", "flush", *args, "--var-dir", str(config.var_dir)]) == 0
    assert database["crawl_runs"].count_documents({}) == 1


@pytest.mark.slow
def test_an_interrupted_run_prints_one_json_line(config: Config, database: Database) -> None:
    import signal

    with ReplayServer(SITE, faults=["slow=8@/editorial-*"]) as site:
        child = subprocess.Popen(
            crawl_command(config, site.url), cwd=REPO, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not database["articles"].count_documents({}):
            assert time.monotonic() < deadline, "the crawl stored nothing"
            time.sleep(0.1)
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 1, stderr
    (line,) = stdout.splitlines()
    report = json.loads(line)
    assert (report["status"], report["exit_code"]) == ("interrupted", 1)
    assert stderr.splitlines()[-1].startswith("atnews crawl: interrupted (")
