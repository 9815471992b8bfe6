"""Distributed crawl: workers sharing one run in a real redis-server, crawling the replay server
into a real FerretDB."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from crawl_support import SITE, article_paths, fetched, store_args
from distributed_support import crawl_workers, needs_redis, private_redis, start_worker
from pymongo.database import Database

from atnews_scraper.cli import main
from atnews_scraper.config import Config
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.distributed.politeness import SitePace
from atnews_scraper.distributed.redis_server import PrivateRedis
from atnews_scraper.distributed.run import PROTOCOL, Run, RunOptions, merge_stats, namespace
from atnews_scraper.replay import ReplayServer
from tooling.sitegen import synthetic_site, write_site

pytestmark = needs_redis
ARTICLES = article_paths(SITE)
MAIN = "https://www.afghanistantimes.af"


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    yield from private_redis(tmp_path / "redis-var")


def stored_urls(database: Database) -> list[str]:
    return sorted(d["url"] for d in database["articles"].find({}, {"url": 1}))


# --- leases, on a real Redis -------------------------------------------------------------------


def test_a_dead_workers_lease_goes_back_to_the_queue_exactly_once(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    run = Run(client, "db", "r1")
    client.zadd(run.queue_key, {b"first": -10, b"second": 0})
    run.beat("alive")
    assert run.pop_leased("dead") == ("1", b"first")
    assert run.pop_leased("alive") == ("2", b"second")
    assert (run.queued(), run.leased()) == (0, 2)
    assert [run.requeue_dead(), run.requeue_dead()] == [1, 0]  # "dead" never beat
    assert client.zrange(run.queue_key, 0, -1, withscores=True) == [(b"first", -10.0)]
    run.ack("2")
    assert run.pop_leased("alive") == ("3", b"first")
    assert run.release_own("alive") == 1
    assert run.is_drained()


def test_a_phase_claimed_by_a_worker_that_died_before_queueing_it_is_claimed_again(
    redis_url: str,
) -> None:
    """A worker killed between claiming the seed phase and queueing robots.txt must not leave
    the run unseeded: once its heartbeat is gone, another worker claims the phase."""
    client = redis.Redis.from_url(redis_url)
    run = Run(client, "db", "r1")
    run.beat("alive")
    assert run.claim_phase("seed", "dead") == 1  # "dead" never beat: killed right after this
    assert run.claim_phase("seed", "alive") == 0  # busy: the run waits for the claimer
    run.requeue_dead()
    assert run.claim_phase("seed", "alive") == 1
    run.phase_queued("seed")
    assert run.claim_phase("seed", "dead") == -1  # done once: nobody claims it again


def test_a_request_is_queued_with_its_fingerprint_in_one_step_releasing_its_lease(
    redis_url: str,
) -> None:
    run = Run(redis.Redis.from_url(redis_url), "db", "r1")
    assert run.push(b"page", -10, "fp1", None)
    assert run.pop_leased("w") == ("1", b"page")
    assert not run.push(b"page again", -10, "fp1", "1")  # a duplicate: its lease is released
    assert run.push(b"retry", -10, None, None)  # dont_filter: queued whatever was seen
    assert (run.queued(), run.leased()) == (1, 0)


def test_worker_stats_merge_into_the_runs() -> None:
    merged = merge_stats(
        {
            "a": {
                "downloader/request_count": 3,
                "items_per_minute": None,
                "finish_reason": "shutdown",
            },
            "b": {
                "downloader/request_count": 4,
                "items_per_minute": 60.0,
                "finish_reason": "finished",
            },
        }
    )
    assert merged == {
        "downloader/request_count": 7,
        "items_per_minute": 60.0,
        "finish_reason": "shutdown",
    }


def test_the_site_token_is_taken_once_per_interval_and_waits_out_a_pause(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    pace = SitePace(Run(client, "db", "r1"))
    assert pace.take(10.0) == 0  # the token was there: send now
    assert 9.9 < pace.take(10.0) <= 10.0  # taken: the next comes 10 s later, for every worker
    assert pace.pause(30.0) > 0  # a 429 / 503: nobody sends for 30 s
    assert 29.9 < pace.take(0.0) <= 30.0
    assert pace.pause(5.0) == 0  # a shorter pause never shortens it
    delayed = SitePace(Run(client, "db", "r2"))
    delayed.set_crawl_delay(20.0)  # robots.txt Crawl-delay: longer than 1/rate, so it wins
    assert delayed.take(1.0) == 0
    assert 19.9 < delayed.take(1.0) <= 20.0


def test_a_worker_of_another_protocol_is_refused_with_exit_2(
    config: Config, redis_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.set(f"{namespace(config.db_name)}:run", "old-run")
    client.set(f"{namespace(config.db_name)}:old-run:version", str(PROTOCOL - 1))
    code = main(
        [
            "worker",
            *store_args(config),
            "--redis-url",
            redis_url,
            "--site-url",
            "http://127.0.0.1:9/",
        ]
    )
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"atnews worker: error: run old-run in Redis was started by workers of protocol "
        f"{PROTOCOL - 1}, this worker speaks protocol {PROTOCOL}: run the same atnews version "
        "on every worker (or let that run finish first)"
    )


def test_unreachable_redis_is_one_line_and_exit_3(
    config: Config, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"unix://{tmp_path / 'nothing.sock'}"
    code = main(["worker", *store_args(config), "--redis-url", url])
    assert code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"atnews worker: error: cannot reach Redis at {url}: ")
    assert err.endswith("; start it (`atnews redis start`) or check REDIS_URL\n")


def test_redis_start_status_stop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    var = ["--var-dir", str(tmp_path)]
    assert main(["redis", "status", *var]) == 1
    assert main(["redis", "start", "--no-persist", *var]) == 0
    assert main(["redis", "status", *var]) == 0
    assert main(["redis", "stop", *var]) == 0
    lines = capsys.readouterr().out.splitlines()
    socket = tmp_path.resolve() / "run" / "redis.sock"
    assert lines[0] == "not running"
    assert lines[1] == f"unix://{socket}"
    assert lines[2].startswith("running (pid ") and lines[2].endswith(f"): unix://{socket}")
    assert lines[3] == "stopped"


def test_run_options_survive_the_round_trip_through_redis() -> None:
    options = RunOptions(CrawlOptions(site_url="http://127.0.0.1:1/", full=True), rate=2.5)
    again = RunOptions.from_json(options.to_json(), CrawlOptions())
    assert again == options


# --- crawls --------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("workers", [2, 3])
def test_workers_store_and_fetch_every_article_of_the_saved_site_once(
    config: Config, database: Database, redis_url: str, workers: int
) -> None:
    with ReplayServer(SITE) as server:
        result = crawl_workers(config, server.url, redis_url, workers)
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    assert {path: n for path, n in counts.items() if path in ARTICLES} == dict.fromkeys(ARTICLES, 1)
    assert sum(counts.values()) == 45  # as one process: robots.txt, 2 sitemaps, feed, home page
    assert stored_urls(database) == sorted(MAIN + path for path in ARTICLES)
    summary = result.summary
    assert (summary["status"], summary["mode"], summary["workers"]) == ("ok", "first", workers)
    assert (summary["requests"], summary["articles"]["new"], summary["errors"]) == (45, 40, {})
    assert database["crawl_runs"].count_documents({}) == 1


@pytest.mark.slow
def test_second_run_with_nothing_new_fetches_no_article_page(
    config: Config, database: Database, redis_url: str
) -> None:
    with ReplayServer(SITE) as server:
        assert crawl_workers(config, server.url, redis_url, 2).code == 0
        server.reset_log()
        result = crawl_workers(config, server.url, redis_url, 2)
        counts = fetched(server.requests)
    assert result.code == 0, result.stderr
    assert not set(counts) & ARTICLES
    assert sum(counts.values()) <= 5
    assert (result.summary["mode"], result.summary["article_pages"]) == ("incremental", 0)
    assert database["crawl_runs"].count_documents({}) == 2


@pytest.mark.slow
def test_three_workers_crawl_a_synthetic_site_once_within_the_site_wide_rate(
    config: Config, database: Database, redis_url: str, tmp_path: Path
) -> None:
    site = synthetic_site(500, seed=3)
    snapshot = write_site(site, tmp_path / "site")
    paths = article_paths(snapshot)
    assert len(paths) == 500
    with ReplayServer(snapshot) as server:
        result = crawl_workers(config, server.url, redis_url, 3, "--rate", "30")
        log = server.requests
    assert result.code == 0, result.stderr
    counts = fetched(log)
    assert {path: n for path, n in counts.items() if path in paths} == dict.fromkeys(paths, 1)
    assert len(stored_urls(database)) == 500
    assert result.summary["workers"] == 3
    times = sorted(float(r["time"]) for r in log)
    assert len(times) == 505
    # 30 requests a second over the whole crawl, and in any 4 s (121 requests) at most 10%
    # more: a worker takes the token on Redis's clock just before sending, but on a machine as
    # busy as a test run (2 cores, 3 workers and their extraction processes) its event loop can
    # send a request up to ~0.3 s after taking the token, bunching it with later ones.
    assert (len(times) - 1) / (times[-1] - times[0]) <= 30
    spans = [times[i + 120] - times[i] for i in range(len(times) - 120)]
    assert min(spans) >= 3.6


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_nothing(
    config: Config, database: Database, redis_url: str, tmp_path: Path
) -> None:
    site = synthetic_site(80, seed=4)
    snapshot = write_site(site, tmp_path / "site")
    paths = article_paths(snapshot)
    with ReplayServer(snapshot, faults=["slow=0.05@*"]) as server:
        doomed = start_worker(config, server.url, redis_url)
        _freeze_holding_a_lease(doomed, redis_url, database.name)
        survivor = start_worker(config, server.url, redis_url)
        _wait_for_articles(server, 20)
        doomed.send_signal(signal.SIGKILL)
        out, err = survivor.communicate(timeout=180)
        doomed.wait()
    assert survivor.returncode == 0, err
    assert stored_urls(database) == sorted(MAIN + path for path in paths)
    assert database["articles"].count_documents({}) == 80
    summary = json.loads(out)
    assert summary["status"] == "ok"
    assert summary["leases_requeued"] >= 1  # what the killed worker had in flight


@pytest.mark.slow
def test_a_sigtermed_worker_drains_and_the_others_finish_the_run(
    config: Config, database: Database, redis_url: str, tmp_path: Path
) -> None:
    site = synthetic_site(80, seed=5)
    snapshot = write_site(site, tmp_path / "site")
    paths = article_paths(snapshot)
    with ReplayServer(snapshot, faults=["slow=0.05@*"]) as server:
        stopped = start_worker(config, server.url, redis_url)
        survivor = start_worker(config, server.url, redis_url)
        _wait_for_articles(server, 20)
        stopped.send_signal(signal.SIGTERM)
        stopped_out, stopped_err = stopped.communicate(timeout=60)
        out, err = survivor.communicate(timeout=180)
    assert stopped.returncode == 0, stopped_err
    assert "Traceback" not in stopped_err
    assert survivor.returncode == 0, err
    assert stored_urls(database) == sorted(MAIN + path for path in paths)
    # --json: one line from each worker; the last to leave (usually the survivor) prints the run's
    lines = [json.loads(text) for text in (stopped_out, out)]
    assert [text.count("\n") for text in (stopped_out, out)] == [1, 1]
    [summary] = [line for line in lines if line.get("run_summary") is not False]
    [left] = [line for line in lines if line.get("run_summary") is False]
    assert (left["status"], left["exit_code"], left["run_id"]) == ("ok", 0, summary["run_id"])
    assert summary["status"] == "ok"
    assert (summary["workers"], summary["leases_requeued"]) == (2, 0)  # it left nothing leased


def _freeze_holding_a_lease(worker: subprocess.Popen[str], redis_url: str, db_name: str) -> None:
    """Stop the worker (SIGSTOP) at a moment it holds a lease (a request taken and not done),
    so that killing it later leaves something in flight for the others to take over. Frozen,
    it cannot finish the lease between the look and the kill, nor the whole run before the
    other worker has started (both happened on a busy CI machine)."""
    client: Any = redis.Redis.from_url(redis_url)  # typed sync-or-async by redis-py
    suffix = f"-{worker.pid} ".encode()

    def holds_a_lease() -> bool:
        for key in client.scan_iter(match=f"atnews:{db_name}:*:owners"):
            if any(suffix in owner for owner in client.hvals(key)):
                return True
        return False

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and worker.poll() is None:
        if holds_a_lease():
            worker.send_signal(signal.SIGSTOP)
            if holds_a_lease():
                return
            worker.send_signal(signal.SIGCONT)
        time.sleep(0.01)
    raise AssertionError(f"worker {worker.pid} held no lease within 60 s")


def _wait_for_articles(server: ReplayServer, count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sum(1 for r in server.requests if str(r["path"]).count("/") == 2) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} article pages fetched in 60 s")


@pytest.mark.slow
def test_redis_restarted_mid_run_is_one_line_exit_3_and_the_next_worker_finishes_the_run(
    config: Config, database: Database, tmp_path: Path
) -> None:
    private = PrivateRedis(tmp_path / "redis-var")
    url = private.start(persist=True)  # AOF: the run survives the restart
    try:
        with ReplayServer(SITE, faults=["slow=0.5@*"]) as server:
            worker = start_worker(config, server.url, url)
            _wait_for_articles(server, 8)
            private.stop()
            out, err = worker.communicate(timeout=60)
            assert worker.returncode == 3
            assert "Traceback" not in err
            last = err.splitlines()[-1]
            assert last.startswith(f"atnews worker: error: lost Redis at {url} during the run (")
            assert last.endswith(
                "); the queue and this worker's unfinished requests stay in Redis: "
                "start the worker again once Redis is back"
            )
            private.start(persist=True)
            server.set_faults(None)
            again = start_worker(config, server.url, url)
            out, err = again.communicate(timeout=120)
    finally:
        private.stop()
    assert again.returncode == 0, err
    assert stored_urls(database) == sorted(MAIN + path for path in ARTICLES)
    summary = json.loads(out)
    assert (summary["status"], summary["workers"]) == ("ok", 2)
    assert summary["leases_requeued"] >= 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "0"], "--workers: must be greater than 0 (got 0)"),
        (["--workers", "2", "--rate", "0"], "--rate: must be greater than 0 (got 0)"),
        (
            ["--workers", "2", "--jobdir", "jobs"],
            "--jobdir: not with --workers (the run's queue is kept in Redis)",
        ),
    ],
)
def test_bad_worker_options_are_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["crawl", "--var-dir", str(tmp_path), *args])
    assert code == 2
    assert capsys.readouterr().err == f"atnews crawl: error: {message}\n"
