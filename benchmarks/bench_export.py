"""Export of 100,000 synthetic stored articles: streaming vs. a naive list-then-write export.

Both read the same FerretDB collection in the same run. Printed: records/second and peak Python
memory (tracemalloc) of each, as ratios; and the streaming peak at 10,000 vs. 100,000 records,
which must stay flat. Target: streaming peak at most 1/10 of the naive one, and at most 1.5x
between 10,000 and 100,000 records.

    python -m benchmarks.bench_export [--records N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pymongo.database import Database

from atnews_scraper.analysis.articles import articles, find_documents
from atnews_scraper.analysis.export import export_documents
from atnews_scraper.analysis.formatting import json_line
from atnews_scraper.database import connect
from atnews_scraper.ferretdb import EmbeddedServer
from atnews_scraper.stored_document import document_to_record

RECORDS = 100_000
SMALL = 10_000  # the first export runs when the store holds this many
INSERT_BATCH = 2_000
MAX_MEMORY_SHARE = 0.1  # streaming peak / naive peak
MAX_GROWTH = 1.5  # streaming peak at RECORDS / at SMALL
WORDS = [
    "kabul",
    "province",
    "officials",
    "said",
    "on",
    "monday",
    "that",
    "the",
    "new",
    "plan",
    "for",
    "trade",
    "and",
    "aid",
]


def synthetic_document(number: int) -> dict[str, Any]:
    published = dt.datetime(2015, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=number)
    body = "\n\n".join(
        " ".join(WORDS[(number + p + w) % len(WORDS)] for w in range(30)) for p in range(3)
    )
    url = f"https://www.afghanistantimes.af/article-{number}/"
    return {
        "url": url,
        "post_id": number,
        "title": f"Article {number}: {WORDS[number % len(WORDS)]} news",
        "body": body,
        "byline": "AT News",
        "dateline": "Kabul",
        "authors": [],
        "wp_author": "admin",
        "published_at": published,
        "modified_at": None,
        "date_precision": "datetime",
        "categories": ["Latest", "Nation"],
        "tags": [WORDS[number % len(WORDS)], WORDS[(number + 3) % len(WORDS)]],
        "breadcrumbs": ["Home", "Latest", f"Article {number}"],
        "check_also": {"title": "Other", "url": url, "excerpt": None},
        "related": [{"title": "Related", "url": url}],
        "previous": None,
        "next": None,
        "lead_image": {"url": f"{url}image.jpg", "alt": None},
        "images": [],
        "language": "en",
        "word_count": 90,
        "content_hash": f"{number:064x}",
        "extraction": {
            "method": "sahifa",
            "sources": {"body": "sahifa"},
            "warnings": [],
            "version": "1",
        },
        "first_seen_at": published,
        "last_seen_at": published,
        "fetched_at": published,
        "revision": 1,
        "url_aliases": [],
        "duplicate_of": None,
        "near_duplicate_of": None,
        "simhash": f"{number:016x}",
        "sitemap_lastmod": None,
        "http_etag": None,
        "http_last_modified": None,
        "discovered_via": "sitemap",
    }


def load(database: Database, count: int, first: int = 0) -> None:
    for start in range(first, count, INSERT_BATCH):
        batch = [synthetic_document(n) for n in range(start, min(count, start + INSERT_BATCH))]
        articles(database).insert_many(batch, ordered=False)


def naive_export(database: Database, query: dict[str, Any], out: Path) -> int:
    """What a quick script does: read everything into a list, then write it."""
    documents = list(articles(database).find(query, {"_id": 0}))
    with out.open("w", encoding="utf-8") as stream:
        for document in documents:
            stream.write(json_line(document_to_record(document)) + "\n")
    return len(documents)


def streaming_export(database: Database, query: dict[str, Any], out: Path, fmt: str) -> int:
    documents = find_documents(database, query, None, sort=None)
    return export_documents(documents, out, fmt, None)


def measure(job: Callable[[], int]) -> tuple[int, float, int]:
    """(records written, seconds, peak traced bytes)."""
    tracemalloc.start()
    started = time.perf_counter()
    written = job()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return written, seconds, peak


def report(name: str, result: tuple[int, float, int]) -> None:
    written, seconds, peak = result
    print(
        f"{name:<28} {written:>8,} records  {written / seconds:>9,.0f} rec/s  "
        f"peak {peak / 2**20:>8.1f} MiB"
    )


def run(records: int, workdir: Path) -> int:
    server = EmbeddedServer(workdir / "db", workdir / "run", workdir / "log")
    info = server.start()
    try:
        database = connect(info.uri, "bench_export")
        small = min(SMALL, records)
        load(database, small)
        results = {
            "streaming jsonl (small)": measure(
                lambda: streaming_export(database, {}, workdir / "small.jsonl", "jsonl")
            )
        }
        started = time.perf_counter()
        load(database, records, first=small)
        print(f"loaded {records:,} synthetic articles ({time.perf_counter() - started:.1f}s)")
        everything: dict[str, Any] = {}
        results |= {
            "streaming jsonl": measure(
                lambda: streaming_export(database, everything, workdir / "all.jsonl", "jsonl")
            ),
            "streaming parquet": measure(
                lambda: streaming_export(database, everything, workdir / "all.parquet", "parquet")
            ),
            "naive list-then-write jsonl": measure(
                lambda: naive_export(database, everything, workdir / "naive.jsonl")
            ),
        }
    finally:
        server.stop()
    for name, result in results.items():
        report(name, result)
    stream_peak = results["streaming jsonl"][2]
    naive_peak = results["naive list-then-write jsonl"][2]
    growth = stream_peak / results["streaming jsonl (small)"][2]
    speed = (results["streaming jsonl"][0] / results["streaming jsonl"][1]) / (
        results["naive list-then-write jsonl"][0] / results["naive list-then-write jsonl"][1]
    )
    print(f"memory: streaming peak is {stream_peak / naive_peak:.3f}x the naive peak")
    print(f"memory: streaming peak grows {growth:.2f}x from {SMALL:,} to {records:,} records")
    print(f"speed: streaming runs at {speed:.2f}x the naive export's records/second")
    met = stream_peak <= MAX_MEMORY_SHARE * naive_peak and growth <= MAX_GROWTH
    print("target met" if met else "target NOT met")
    return 0 if met else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=RECORDS)
    args = parser.parse_args(list(argv or []))
    with tempfile.TemporaryDirectory(prefix="atnews-bench-export-") as workdir:
        return run(args.records, Path(workdir))


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
