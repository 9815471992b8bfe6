"""Extraction speed and memory: the full record against `trafilatura.extract` (default options,
text only) on the same saved pages in the same run, as a ratio (target >= 1.0); then resident
memory across 10,000 extractions, which must stay flat.

    python -m benchmarks.bench_extraction [--rounds N] [--memory-runs N]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from atnews_scraper.extract import extract_article
from atnews_scraper.fixture_pages import saved_pages

TARGET_RATIO = 1.0
# Growth allowed over the measured run after warm-up: caches (lxml, regex, trafilatura's
# LRU caches) fill during warm-up; a leak of even 1 KB per page would show as 10 MB.
MAX_GROWTH_MB = 8.0


def load_pages() -> list[tuple[bytes, str | None]]:
    return [(page.html(), page.meta().get("url")) for page in saved_pages()]


def time_round(
    pages: list[tuple[bytes, str | None]], run: Callable[[bytes, str | None], object]
) -> float:
    started = time.perf_counter()
    for html, url in pages:
        run(html, url)
    return time.perf_counter() - started


def ours(html: bytes, url: str | None) -> object:
    return extract_article(html, url)


def trafilatura_plain(html: bytes, url: str | None) -> object:
    import trafilatura

    return trafilatura.extract(html, url=url)


def rss_mb() -> float:
    """Resident set size of this process (Linux /proc; falls back to the peak from resource)."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        import os

        pages = int(statm.read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_speed(pages: list[tuple[bytes, str | None]], rounds: int) -> float:
    # Warm both up (imports, caches), then alternate rounds so load on the machine hits both.
    time_round(pages, ours)
    time_round(pages, trafilatura_plain)
    mine, theirs = [], []
    for _ in range(rounds):
        mine.append(time_round(pages, ours))
        theirs.append(time_round(pages, trafilatura_plain))
    ours_rate = len(pages) / statistics.median(mine)
    peer_rate = len(pages) / statistics.median(theirs)
    ratio = ours_rate / peer_rate
    print(f"pages: {len(pages)} saved pages, {rounds} rounds each (median round)")
    print(f"extract_article (full record): {ours_rate:8.1f} pages/s")
    print(f"trafilatura.extract (text):    {peer_rate:8.1f} pages/s")
    print(f"ratio: {ratio:.2f} (target >= {TARGET_RATIO:.1f})")
    return ratio


def measure_memory(pages: list[tuple[bytes, str | None]], runs: int) -> float:
    warm_up = min(len(pages) * 10, runs)
    for i in range(warm_up):
        ours(*pages[i % len(pages)])
    gc.collect()
    before = rss_mb()
    checkpoints = {runs // 4, runs // 2, 3 * runs // 4}
    started = time.perf_counter()
    for i in range(1, runs + 1):
        ours(*pages[i % len(pages)])
        if i in checkpoints:
            print(f"  after {i:>6,} extractions: RSS {rss_mb():7.1f} MB")
    gc.collect()
    after = rss_mb()
    elapsed = time.perf_counter() - started
    growth = after - before
    print(
        f"memory: RSS {before:.1f} MB before, {after:.1f} MB after {runs:,} extractions "
        f"({elapsed:.0f}s): growth {growth:+.1f} MB (allowed {MAX_GROWTH_MB:.0f} MB)"
    )
    return growth


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_extraction")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over all pages")
    parser.add_argument("--memory-runs", type=int, default=10_000, help="extractions for memory")
    args = parser.parse_args(argv if argv is not None else [])
    pages = load_pages()
    if not pages:
        print("no saved pages in fixtures/pages/", file=sys.stderr)
        return 2
    ratio = measure_speed(pages, args.rounds)
    growth = measure_memory(pages, args.memory_runs) if args.memory_runs else 0.0
    ok = ratio >= TARGET_RATIO and growth <= MAX_GROWTH_MB
    print("extraction benchmark: " + ("target met" if ok else "BELOW TARGET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
