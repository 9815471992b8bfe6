"""Distributed crawl throughput: 1, 2 and 4 workers against one worker and the single-process
crawl, in the same run, on a synthetic site whose every answer takes 200 ms (the replay server's
``slow=0.2`` fault), with a site-wide cap of 20 requests/s; and Redis memory per 100,000 queued
URLs.

Each worker keeps one request in flight (modest concurrency: 5 requests/s alone), so the
workers' throughput grows with their number until the cap. Throughput is requests per second
at the server, from the replay request log, between its 10th and 90th percentile requests (the
crawl at full speed; the whole run's rate, first to last request, is printed beside it).
Targets: 4 workers >= 3x one worker's throughput (the cap allows 4x), and no one-second window
of the log above the cap with any number of workers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import redis

from atnews_scraper.config import PROJECT_ROOT
from atnews_scraper.crawl.context import PageContext
from atnews_scraper.crawl.gate import PRIORITY_ARTICLE, Fetch
from atnews_scraper.distributed.redis_server import PrivateRedis
from atnews_scraper.distributed.run import Run
from atnews_scraper.distributed.scheduler import LeasedQueue
from atnews_scraper.ferretdb import EmbeddedServer, free_port
from benchmarks.synthetic import serve_synthetic

N_ARTICLES = 300
LATENCY = "slow=0.2@*"
CAP = 20.0
WORKERS = (1, 2, 4)
SPEEDUP_TARGET = 3.0
QUEUED_URLS = 100_000


def crawl(command: list[str]) -> dict[str, Any]:
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"crawl exited {done.returncode}: {done.stderr.strip()[-500:]}")
    summary: dict[str, Any] = json.loads(done.stdout)
    return summary


def base_command(site_url: str, mongo_uri: str, db: str, var_dir: Path) -> list[str]:
    return [
        sys.executable, "-m", "atnews_scraper.cli", "crawl", "--no-polite", "--json",
        "--site-url", site_url, "--mongo-uri", mongo_uri, "--db", db, "--var-dir", str(var_dir),
    ]  # fmt: skip


def steady_throughput(times: list[float]) -> float:
    """Requests per second between the 10th and the 90th percentile request: the crawl at full
    speed, without the start (one worker reads robots.txt and the sitemaps, the others are still
    starting) and the end (the last requests and the discovery pages after them)."""
    first, last = len(times) // 10, len(times) * 9 // 10
    return (last - first) / (times[last] - times[first])


def throughput(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0])


def busiest_second(times: list[float]) -> int:
    """The most requests the server saw within any one second."""
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def queued_memory(redis_url: str) -> tuple[float, float]:
    """Redis bytes per queued URL and per dupefilter fingerprint, from 100,000 of each."""
    from atnews_scraper.spiders.atnews import AtnewsSpider

    client: Any = redis.Redis.from_url(redis_url)
    run = Run(client, "bench", "memory")
    spider = AtnewsSpider(site_url="https://www.afghanistantimes.af/")
    queue = LeasedQueue(client, spider, run.queue_key)
    before = int(client.info("memory")["used_memory"])
    pipe = client.pipeline(transaction=False)
    for n in range(QUEUED_URLS):
        url = f"https://www.afghanistantimes.af/a-typical-article-slug-of-some-length-{n}/"
        request = Fetch(PageContext(url, "article", "sitemap"), url, PRIORITY_ARTICLE).request(
            spider
        )
        pipe.zadd(run.queue_key, {queue.encode(request): -10})
        pipe.sadd(run.dupefilter_key, f"{n:040x}")
        if n % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    client.delete(run.dupefilter_key)
    queued = int(client.info("memory")["used_memory"])
    for n in range(QUEUED_URLS):
        pipe.sadd(run.dupefilter_key, f"{n:040x}")
        if n % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    both = int(client.info("memory")["used_memory"])
    client.delete(run.queue_key, run.dupefilter_key)
    return (queued - before) / QUEUED_URLS, (both - queued) / QUEUED_URLS


def main() -> int:
    results: dict[str, tuple[float, int, int]] = {}
    whole: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-distributed-") as tmp:
        base = Path(tmp)
        database = EmbeddedServer(base / "db", base / "run", base / "log")
        info = database.start(port=free_port())
        private = PrivateRedis(base / "redis")
        redis_url = private.start(persist=False)
        try:
            with serve_synthetic(N_ARTICLES, seed=7, faults=[LATENCY]) as server:
                runs: list[tuple[str, list[str]]] = [
                    ("single process", [])
                ] + [
                    (f"{n} worker{'s' if n > 1 else ''}", [
                        "--workers", str(n), "--redis-url", redis_url, "--rate", str(CAP),
                        "--concurrency", "1",
                    ])
                    for n in WORKERS
                ]  # fmt: skip
                for index, (name, extra) in enumerate(runs):
                    server.reset_log()
                    command = base_command(server.url, info.uri, f"bench_d{index}", base / name)
                    summary = crawl(command + extra)
                    times = sorted(float(r["time"]) for r in server.requests)
                    # a synthetic story can repeat another's text: stored, as a duplicate
                    new = sum(int(summary["articles"][k]) for k in ("new", "duplicate"))
                    results[name] = (steady_throughput(times), busiest_second(times), new)
                    whole[name] = throughput(times)
            per_url, per_fingerprint = queued_memory(redis_url)
        finally:
            private.stop()
            database.stop()
    one = results["1 worker"][0]
    print(f"replay latency 200 ms per request, site-wide cap {CAP:g} req/s, {N_ARTICLES} articles")
    for name, (rate, busiest, new) in results.items():
        print(
            f"{name:>15}: {rate:5.1f} req/s ({rate / one:4.2f}x one worker; whole run "
            f"{whole[name]:.1f} req/s), busiest second {busiest} requests, {new} articles stored"
        )
    print(
        f"Redis memory: {per_url:.0f} bytes per queued URL ({per_url * QUEUED_URLS / 2**20:.1f} MB "
        f"per {QUEUED_URLS:,}), {per_fingerprint:.0f} bytes per dupefilter fingerprint "
        f"({per_fingerprint * QUEUED_URLS / 2**20:.1f} MB)"
    )
    speedup = results["4 workers"][0] / one
    over_cap = [
        name
        for name, (_, busiest, _) in results.items()
        if name != "single process" and busiest > CAP + 1
    ]
    complete = all(new == N_ARTICLES for _, _, new in results.values())
    print(
        f"4 workers / 1 worker: {speedup:.2f}x (target >= {SPEEDUP_TARGET:g}x); "
        f"over the cap: {over_cap or 'none'}; every article stored in each run: {complete}"
    )
    return 0 if speedup >= SPEEDUP_TARGET and not over_cap and complete else 1


if __name__ == "__main__":
    sys.exit(main())
