"""Crawl speed against extraction-only speed, on the same 2,000 synthetic article pages.

The crawl is `atnews crawl --no-polite` through the replay server into a throw-away FerretDB (a
child process, as cron runs it); the peer is ``extract_article`` called in a loop on the same
pages, in this process, in the same run. Targets: crawl >= 0.8 x extraction-only articles/second,
and the crawl's peak memory (max RSS) under 300 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from atnews_scraper.config import PROJECT_ROOT
from atnews_scraper.extract import extract_article
from atnews_scraper.ferretdb import EmbeddedServer
from atnews_scraper.replay import Snapshot
from atnews_scraper.urls import PageKind, UrlRules
from benchmarks.synthetic import serve_synthetic, synthetic_snapshot

N_ARTICLES = 2000
RATIO_TARGET = 0.8
MEMORY_TARGET_MB = 300.0


def extraction_only(snapshot_dir: Path) -> tuple[int, float]:
    """(articles, seconds) for extracting every article page of the snapshot, nothing else."""
    snapshot = Snapshot.load(snapshot_dir)
    rules = UrlRules()
    pages = []
    for key, entry in snapshot.entries.items():
        url = rules.canonical(key, rules.site_url)
        if entry.status == 200 and rules.kind(url) == PageKind.ARTICLE:
            pages.append((url, snapshot.body(entry), entry.content_type))
    started = time.perf_counter()
    for url, body, content_type in pages:
        extract_article(body, url, rules=rules, content_type=content_type)
    return len(pages), time.perf_counter() - started


def crawl(site_url: str, mongo_uri: str, var_dir: Path) -> dict[str, object]:
    command = [
        sys.executable, "-m", "atnews_scraper.cli", "crawl", "--no-polite", "--json",
        "--site-url", site_url, "--mongo-uri", mongo_uri, "--db", "bench_crawl",
        "--var-dir", str(var_dir),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"crawl exited {done.returncode}: {done.stderr.strip()[-500:]}")
    summary: dict[str, object] = json.loads(done.stdout)
    return summary


def main() -> int:
    snapshot_dir = synthetic_snapshot(N_ARTICLES)
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        base = Path(tmp)
        database = EmbeddedServer(base / "db", base / "run", base / "log")
        info = database.start()
        try:
            with serve_synthetic(N_ARTICLES) as server:
                started = time.perf_counter()
                summary = crawl(server.url, info.uri, base / "var")
                wall = time.perf_counter() - started
        finally:
            database.stop()
    extracted, extract_seconds = extraction_only(snapshot_dir)
    crawled = int(summary["article_pages"])  # type: ignore[call-overload]
    crawl_seconds = float(summary["duration_s"])  # type: ignore[arg-type]
    crawl_rate = crawled / crawl_seconds
    extract_rate = extracted / extract_seconds
    ratio = crawl_rate / extract_rate
    memory = float(summary["peak_memory_mb"])  # type: ignore[arg-type]
    articles = summary["articles"]
    print(
        f"crawl: {crawled} article pages in {crawl_seconds:.1f}s ({wall:.1f}s with start-up): "
        f"{crawl_rate:.1f} articles/s, {summary['requests']} requests, stored {articles}"
    )
    print(
        f"extraction only: {extracted} pages in {extract_seconds:.1f}s: {extract_rate:.1f} "
        "articles/s"
    )
    print(f"crawl / extraction-only speed: {ratio:.2f} (target >= {RATIO_TARGET})")
    print(f"crawl peak memory: {memory:.0f} MB (target < {MEMORY_TARGET_MB:.0f} MB)")
    ok = crawled == extracted and ratio >= RATIO_TARGET and memory < MEMORY_TARGET_MB
    if crawled != extracted:
        print(f"the crawl fetched {crawled} article pages, the snapshot holds {extracted}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
