"""Crawl speed against extraction-only speed, on the same 2,000 synthetic article pages.

The crawl is `atnews crawl --no-polite` through the replay server into a throw-away FerretDB (a
child process, as cron runs it); the peer is ``extract_article`` called in a loop on the same
pages, in this process, once before and once after the crawl (so load changing on a shared
machine biases neither side). Targets: crawl >= 0.8 x extraction-only articles/second, and the
crawl's peak memory under 300 MB. CPU seconds per article are printed too: they do not depend on
what else the machine is doing.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from atnews_scraper.config import PROJECT_ROOT
from atnews_scraper.extract import extract_article
from atnews_scraper.ferretdb import EmbeddedServer
from atnews_scraper.replay import ReplayServer, Snapshot
from atnews_scraper.urls import PageKind, UrlRules
from benchmarks.synthetic import synthetic_snapshot

N_ARTICLES = 2000
RATIO_TARGET = 0.8
MEMORY_TARGET_MB = 300.0


def article_pages(snapshot_dir: Path) -> list[tuple[str, bytes, str | None]]:
    snapshot = Snapshot.load(snapshot_dir)
    rules = UrlRules()
    pages = []
    for key, entry in snapshot.entries.items():
        url = rules.canonical(key, rules.site_url)
        if entry.status == 200 and rules.kind(url) == PageKind.ARTICLE:
            pages.append((url, snapshot.body(entry), entry.content_type))
    return pages


def extraction_only(pages: list[tuple[str, bytes, str | None]]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) to extract every page once, nothing else."""
    rules = UrlRules()
    wall, cpu = time.perf_counter(), time.process_time()
    for url, body, content_type in pages:
        extract_article(body, url, rules=rules, content_type=content_type)
    return time.perf_counter() - wall, time.process_time() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl(site_url: str, mongo_uri: str, var_dir: Path) -> tuple[dict[str, Any], float]:
    """The crawl's summary, and the CPU seconds its process used."""
    command = [
        sys.executable, "-m", "atnews_scraper.cli", "crawl", "--no-polite", "--json",
        "--site-url", site_url, "--mongo-uri", mongo_uri, "--db", "bench_crawl",
        "--var-dir", str(var_dir),
    ]  # fmt: skip
    cpu = _children_cpu()
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    cpu = _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"crawl exited {done.returncode}: {done.stderr.strip()[-500:]}")
    summary: dict[str, Any] = json.loads(done.stdout)
    return summary, cpu


def main() -> int:
    snapshot_dir = synthetic_snapshot(N_ARTICLES)
    pages = article_pages(snapshot_dir)
    before_wall, before_cpu = extraction_only(pages)
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        base = Path(tmp)
        database = EmbeddedServer(base / "db", base / "run", base / "log")
        info = database.start()
        try:
            with ReplayServer(snapshot_dir) as server:
                summary, crawl_cpu = crawl(server.url, info.uri, base / "var")
        finally:
            database.stop()
    after_wall, after_cpu = extraction_only(pages)
    crawled = int(summary["article_pages"])
    crawl_rate = crawled / float(summary["duration_s"])
    extract_rate = 2 * len(pages) / (before_wall + after_wall)
    ratio = crawl_rate / extract_rate
    memory = float(summary["peak_memory_mb"])
    print(
        f"crawl: {crawled} article pages, {summary['requests']} requests in "
        f"{summary['duration_s']:.1f}s: {crawl_rate:.1f} articles/s, "
        f"{1000 * crawl_cpu / crawled:.1f} ms CPU per article; stored {summary['articles']}"
    )
    print(
        f"extraction only: {len(pages)} pages in {before_wall:.1f}s and {after_wall:.1f}s: "
        f"{extract_rate:.1f} articles/s, "
        f"{1000 * (before_cpu + after_cpu) / (2 * len(pages)):.1f} ms CPU per article"
    )
    print(f"crawl / extraction-only speed: {ratio:.2f} (target >= {RATIO_TARGET})")
    print(f"crawl peak memory: {memory:.0f} MB (target < {MEMORY_TARGET_MB:.0f} MB)")
    if crawled != len(pages):
        print(f"the crawl fetched {crawled} article pages, the snapshot holds {len(pages)}")
    ok = crawled == len(pages) and ratio >= RATIO_TARGET and memory < MEMORY_TARGET_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
