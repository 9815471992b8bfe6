"""Storing 10,000 article pages: the ingest pipelines (bulk) vs. one insert per item.

Both write into one FerretDB server in the same run. The peer is the usual scrapy-mongodb
pipeline: one `insert_one` per item of the item as a document (record and raw page; no lookup,
no upsert, no compression). The pipelines validate, dedupe, simhash, journal and compress every
item, and store the article and its compressed page in bulk. Pages are a saved article page of
the site (fixtures/pages) with each record's story in it. Only the storing is timed, not the
making of the input. Printed: records/second of each, their ratio (target >= 10x), and the
pipeline process's resident memory every 2,000 records, which must stay flat (growth <= 1.5x).

    python -m benchmarks.bench_store [--records N]
"""

from __future__ import annotations

import argparse
import gzip
import resource
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pymongo.database import Database
from scrapy.exceptions import DropItem

from atnews_scraper.config import load_config
from atnews_scraper.document import record_to_document
from atnews_scraper.ferretdb import EmbeddedServer, free_port
from atnews_scraper.ingest.samples import make_page, make_record
from atnews_scraper.ingest.session import IngestSession
from atnews_scraper.items import ArticlePage
from atnews_scraper.store import connect
from pipelines.dedupe import DedupePipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline

REPO = Path(__file__).resolve().parent.parent
RECORDS = 10_000
CHECKPOINT = 2_000
REPLACE_SAMPLE = 20  # each one scans the collection on FerretDB: a sample is enough
TARGET_RATIO = 10.0
MAX_MEMORY_GROWTH = 1.5
TEMPLATE = REPO / "fixtures" / "pages" / "cp1252-declared-flood-relief.html.gz"


def pages(count: int) -> Iterator[ArticlePage]:
    """Article pages the size of the site's (about 60 KB), each with its own story."""
    template = gzip.decompress(TEMPLATE.read_bytes())
    for n in range(count):
        record = make_record(n)
        body = "".join(f"<p>{p}</p>" for p in record["body"].split("\n\n"))
        html = template.replace(b"</body>", f"<div class='story'>{body}</div></body>".encode())
        yield make_page(record, html=html)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1024 / 1024


def run_pipelines(uri: str, var_dir: Path, count: int) -> tuple[float, list[float]]:
    config = load_config(mongo_uri=uri, db_name="bench_pipeline", var_dir=var_dir)
    session = IngestSession(config)
    chain = [ValidatePipeline(session), DedupePipeline(session), StorePipeline(session)]
    for pipeline in chain:
        pipeline.open_spider()
    memory = []
    elapsed = 0.0
    for n, item in enumerate(pages(count), 1):
        started = time.perf_counter()
        try:
            for pipeline in chain:
                item = pipeline.process_item(item)
        except DropItem:
            pass
        elapsed += time.perf_counter() - started
        if n % CHECKPOINT == 0:
            memory.append(rss_mb())
    started = time.perf_counter()
    for pipeline in chain:
        pipeline.close_spider()
    return elapsed + time.perf_counter() - started, memory


def item_document(item: ArticlePage) -> dict[str, Any]:
    """The item as scrapy-mongodb stores it: its fields, the raw page as it came."""
    document = record_to_document(item.record)
    document.update(
        html=item.html, fetch_url=item.fetch_url, status=item.status, fetched_at=item.fetched_at
    )
    return document


def run_one_insert_per_item(database: Database, count: int) -> float:
    elapsed = 0.0
    for item in pages(count):
        started = time.perf_counter()
        document = item_document(item)
        database.items.insert_one(document)
        elapsed += time.perf_counter() - started
    return elapsed


def run_replace_one_per_item(database: Database, count: int) -> float:
    """Seconds per item of scrapy-mongodb with a unique key: `replace_one(..., upsert=True)`
    keyed by URL, timed on the first `count` items into the collection insert_one filled."""
    database.items.create_index("url", unique=True)
    elapsed = 0.0
    for item in pages(count):
        started = time.perf_counter()
        document = item_document(item)
        database.items.replace_one({"url": document["url"]}, document, upsert=True)
        elapsed += time.perf_counter() - started
    return elapsed / count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=RECORDS)
    count = parser.parse_args(argv).records
    with tempfile.TemporaryDirectory(prefix="atnews-bench-store-") as tmp:
        base = Path(tmp)
        server = EmbeddedServer(base / "db", base / "run", base / "log")
        info = server.start(port=free_port())
        try:
            pipeline_s, memory = run_pipelines(info.uri, base / "var", count)
            database = connect(info.uri, "bench_per_item")
            per_item_s = run_one_insert_per_item(database, count)
            replace_s = run_replace_one_per_item(database, REPLACE_SAMPLE)
            stored = connect(info.uri, "bench_pipeline").articles.count_documents({})
            database.client.close()
        finally:
            server.stop()
    ratio = per_item_s / pipeline_s
    growth = max(memory) / min(memory) if memory else 1.0
    print(f"records: {count}, stored by the pipelines: {stored}")
    print(f"pipelines (validate, dedupe, bulk store): {count / pipeline_s:,.0f} records/s")
    print(f"one insert_one per item (scrapy-mongodb): {count / per_item_s:,.0f} records/s")
    print(f"ratio: {ratio:.1f}x (target >= {TARGET_RATIO:.0f}x)")
    print(
        f"replace_one upsert by url per item (scrapy-mongodb with a unique key; first"
        f" {REPLACE_SAMPLE} items into {count:,}): {1 / replace_s:,.1f} records/s,"
        f" ratio {count / pipeline_s * replace_s:.0f}x"
    )
    print(
        f"pipeline RSS every {CHECKPOINT:,} records (MB): {', '.join(f'{m:.0f}' for m in memory)}"
        f" (growth {growth:.2f}x, target <= {MAX_MEMORY_GROWTH}x)"
    )
    return 0 if ratio >= TARGET_RATIO and growth <= MAX_MEMORY_GROWTH and stored == count else 1


if __name__ == "__main__":
    raise SystemExit(main())
