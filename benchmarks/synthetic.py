"""Large synthetic snapshots for benchmarks: built on demand, cached under var/bench/, served.

    from benchmarks.synthetic import serve_synthetic
    with serve_synthetic(2000, seed=1) as server:
        crawl(server.url)

A cached snapshot is reused only when it was written by the same generator code (the cache
directory name carries a fingerprint of ``tooling/sitegen``), so a change to the markup
never benchmarks stale pages. Nothing here is committed.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from atnews_scraper.config import PROJECT_ROOT
from atnews_scraper.replay import ReplayServer
from atnews_scraper.replay.faults import FaultsArg
from atnews_scraper.replay.snapshot import MANIFEST_NAME
from tooling.sitegen import synthetic_site, write_site

CACHE_DIR = PROJECT_ROOT / "var" / "bench"
SITEGEN_DIR = PROJECT_ROOT / "tooling" / "sitegen"
SAVED_PAGES = PROJECT_ROOT / "fixtures" / "pages"  # half the paragraphs come from their records


def generator_fingerprint() -> str:
    """12 hex digits that change whenever the generator's code or the saved records change."""
    digest = hashlib.sha256()
    sources = sorted(SITEGEN_DIR.glob("*.py")) + sorted(SAVED_PAGES.glob("*.expected.json"))
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:12]


def synthetic_snapshot(n_articles: int = 2000, seed: int = 1, cache_dir: Path = CACHE_DIR) -> Path:
    """The snapshot of ``synthetic_site(n_articles, seed)``, written once and then reused."""
    target = cache_dir / f"synthetic-{n_articles}-{seed}-{generator_fingerprint()}"
    if not (target / MANIFEST_NAME).is_file():
        for stale in cache_dir.glob(f"synthetic-{n_articles}-{seed}-*"):
            shutil.rmtree(stale)  # written by an older generator, or interrupted
        started = time.perf_counter()
        partial = target.with_name(target.name + ".partial")
        pages = SAVED_PAGES if any(SAVED_PAGES.glob("*.expected.json")) else None
        write_site(synthetic_site(n_articles, seed, pages), partial)
        partial.rename(target)
        seconds = time.perf_counter() - started
        print(f"built {target} ({n_articles} articles) in {seconds:.1f}s", file=sys.stderr)
    return target


@contextmanager
def serve_synthetic(
    n_articles: int = 2000, seed: int = 1, faults: FaultsArg = None
) -> Iterator[ReplayServer]:
    """A replay server over the cached synthetic snapshot, stopped on exit."""
    with ReplayServer(synthetic_snapshot(n_articles, seed), faults=faults) as server:
        yield server
