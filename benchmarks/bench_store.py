"""Storing 10,000 article pages: the ingest pipelines (bulk) vs. one insert per item.

Both write the same article and raw-page documents into one FerretDB server in the same run;
the peer is the usual scrapy-mongodb approach, `insert_one` per item (the cheapest per-item
write: no lookup, no upsert). The pipelines also validate, dedupe, hash and journal every item.
Printed: records/second of each, their ratio (target >= 10x), and the pipeline process's
resident memory every 2,000 records, which must stay flat (target: growth <= 1.5x).

    python -m benchmarks.bench_store [--records N]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from pymongo.database import Database
from scrapy.exceptions import DropItem

from atnews_scraper.config import load_config
from atnews_scraper.ferretdb import EmbeddedServer, free_port
from atnews_scraper.ingest.article_store import article_document
from atnews_scraper.ingest.entry import IngestEntry
from atnews_scraper.ingest.pages import page_documents
from atnews_scraper.ingest.samples import make_page, make_record, story
from atnews_scraper.ingest.session import IngestSession
from atnews_scraper.items import ArticlePage
from atnews_scraper.store import connect
from pipelines.dedupe import DedupePipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline

RECORDS = 10_000
CHECKPOINT = 2_000
TARGET_RATIO = 10.0
MAX_MEMORY_GROWTH = 1.5
# The theme's markup around a story: a real page is ~20-40 KB of HTML.
CHROME = "".join(
    f"<li class='menu-item'><a href='/category/c{i}/'>Section {i}</a></li>" for i in range(150)
)


def pages(count: int) -> Iterator[ArticlePage]:
    for n in range(count):
        record = make_record(n)
        body = "".join(f"<p>{p}</p>" for p in record["body"].split("\n\n"))
        html = f"<html><head><title>{record['title']}</title></head><body><nav>{CHROME}</nav>"
        html += f"<article class='post-{1000 + n}'><div class='entry'>{body}</div></article>"
        html += f"<aside>{story(n + 7, 2)}</aside></body></html>"
        yield make_page(record, html=html.encode())


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
    started = time.perf_counter()
    for n, item in enumerate(pages(count), 1):
        try:
            for pipeline in chain:
                item = pipeline.process_item(item)
        except DropItem:
            pass
        if n % CHECKPOINT == 0:
            memory.append(rss_mb())
    for pipeline in chain:
        pipeline.close_spider()
    return time.perf_counter() - started, memory


def run_one_insert_per_item(database: Database, count: int) -> float:
    started = time.perf_counter()
    for item in pages(count):
        entry = IngestEntry.from_page(item, dict(item.record), item.record["url"])
        database.articles.insert_one(article_document(entry))
        database.pages.insert_one(page_documents(entry)[0])
    return time.perf_counter() - started


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
        f"pipeline RSS every {CHECKPOINT:,} records (MB): {', '.join(f'{m:.0f}' for m in memory)}"
        f" (growth {growth:.2f}x, target <= {MAX_MEMORY_GROWTH}x)"
    )
    return 0 if ratio >= TARGET_RATIO and growth <= MAX_MEMORY_GROWTH and stored == count else 1


if __name__ == "__main__":
    raise SystemExit(main())
