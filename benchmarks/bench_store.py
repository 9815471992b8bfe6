"""Storing 10,000 article pages: the ingest pipelines (bulk) vs. one insert per item.

Every writer stores into one FerretDB server in the same run. The peer is the usual
scrapy-mongodb pipeline: one `insert_one` per item of the item as a document (record and raw
page; no lookup, no upsert, no compression). The pipelines validate, dedupe, simhash, journal
and compress every item, and store the article and its compressed page in bulk: once with the
batches written on a thread, as in a crawl, once synchronously. Pages are a saved article page
of the site (fixtures/pages) with each record's story in it; making them (a few hundredths of a
millisecond each) is inside every writer's time, which runs from the first item to the close.

Also measured: the FerretDB floor, the same article documents and compressed pages the
pipelines stored, read back and written again with `insert_many` in batches of 500 into fresh
collections with the same indexes (no Python work per record timed), and the highest ratio any
pipeline could reach against the `insert_one` peer on this server (peer ms / floor ms).

Printed: records/second of each, the ratios (target >= 10x), the floor, and the pipeline
process's resident memory every 2,000 records, which must stay flat (growth <= 1.5x).

    python -m benchmarks.bench_store [--records N]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import resource
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pymongo.collection import Collection
from pymongo.database import Database
from scrapy.exceptions import DropItem

from atnews_scraper.config import load_config
from atnews_scraper.database import ARTICLES, PAGES, connect
from atnews_scraper.ferretdb import EmbeddedServer, free_port
from atnews_scraper.ingest.mongo_indexes import ensure_indexes
from atnews_scraper.ingest.session import IngestSession
from atnews_scraper.items import ArticlePage
from atnews_scraper.pipelines.dedupe import DedupePipeline
from atnews_scraper.pipelines.store import StorePipeline
from atnews_scraper.pipelines.validate import ValidatePipeline
from atnews_scraper.stored_document import record_to_document
from tooling.samples import WORDS, make_page, make_record

REPO = Path(__file__).resolve().parent.parent
RECORDS = 10_000
CHECKPOINT = 2_000
FLOOR_BATCH = 500
REPLACE_SAMPLE = 20  # each one scans the collection on FerretDB: a sample is enough
TARGET_RATIO = 10.0
MAX_MEMORY_GROWTH = 1.5
TEMPLATE = REPO / "fixtures" / "pages" / "cp1252-declared-flood-relief.html.gz"
PARAGRAPHS, PARAGRAPH_WORDS = 6, 60  # as samples.story


def pages(count: int) -> Iterator[ArticlePage]:
    """Article pages the size of the site's (about 60 KB), each with its own story: random
    words as samples.story writes them, drawn by numpy (samples.story takes ~0.2 ms a page)."""
    head, tail = gzip.decompress(TEMPLATE.read_bytes()).split(b"</body>", 1)
    shape = (count, PARAGRAPHS, PARAGRAPH_WORDS)
    picks = np.random.default_rng(0).integers(0, len(WORDS), size=shape, dtype=np.uint8)
    for n in range(count):
        texts = [" ".join(map(WORDS.__getitem__, row)) for row in picks[n].tolist()]
        paragraphs = [text[0].upper() + text[1:] + "." for text in texts]  # words: lower case
        body = "\n\n".join(paragraphs)
        record = make_record(n, body="")
        # samples.content_hash (NFC, white space collapsed) of an ASCII body whose only runs
        # of white space are the paragraph breaks, without its regular expression.
        normal = " ".join(paragraphs).encode()
        record["body"] = body
        record["word_count"] = PARAGRAPHS * PARAGRAPH_WORDS
        record["content_hash"] = hashlib.sha256(normal).hexdigest()
        story = "".join(f"<p>{p}</p>" for p in paragraphs)
        html = b"".join((head, f"<div class='story'>{story}</div></body>".encode(), tail))
        yield make_page(record, html=html)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1024 / 1024


@dataclass
class PipelineRun:
    seconds: float
    memory: list[float]  # resident MB every CHECKPOINT records
    stored: int


def run_pipelines(
    uri: str, var_dir: Path, db_name: str, count: int, background: bool
) -> PipelineRun:
    config = load_config(mongo_uri=uri, db_name=db_name, var_dir=var_dir)
    session = IngestSession(config)
    chain = [
        ValidatePipeline(session),
        DedupePipeline(session),
        StorePipeline(session, background=background),
    ]
    memory = []
    started = time.perf_counter()
    for pipeline in chain:
        pipeline.open_spider()
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
    seconds = time.perf_counter() - started
    database = connect(uri, db_name)
    stored = database[ARTICLES].count_documents({})
    database.client.close()
    return PipelineRun(seconds, memory, stored)


def item_document(item: ArticlePage) -> dict[str, Any]:
    """The item as scrapy-mongodb stores it: its fields, the raw page as it came."""
    document = record_to_document(item.record)
    document.update(
        html=item.html, fetch_url=item.fetch_url, status=item.status, fetched_at=item.fetched_at
    )
    return document


def run_one_insert_per_item(database: Database, count: int) -> float:
    started = time.perf_counter()
    for item in pages(count):
        database.items.insert_one(item_document(item))
    return time.perf_counter() - started


def run_replace_one_per_item(database: Database, count: int) -> float:
    """Seconds per item of scrapy-mongodb with a unique key: `replace_one(..., upsert=True)`
    keyed by URL, timed on the first `count` items into the collection insert_one filled."""
    database.items.create_index("url", unique=True)
    started = time.perf_counter()
    for item in pages(count):
        document = item_document(item)
        database.items.replace_one({"url": document["url"]}, document, upsert=True)
    return (time.perf_counter() - started) / count


def timed_insert_many(source: Collection, target: Collection) -> float:
    """Seconds to insert_many every document of source into target, FLOOR_BATCH at a time;
    reading them back is not timed."""
    documents = list(source.find({}).sort("_id", 1))
    seconds = 0.0
    for start in range(0, len(documents), FLOOR_BATCH):
        batch = documents[start : start + FLOOR_BATCH]
        started = time.perf_counter()
        target.insert_many(batch, ordered=False)
        seconds += time.perf_counter() - started
    return seconds


def run_floor(stored: Database, fresh: Database) -> tuple[float, float]:
    """Seconds to write the stored articles, and their pages, again into fresh collections."""
    ensure_indexes(fresh)
    return (
        timed_insert_many(stored[ARTICLES], fresh[ARTICLES]),
        timed_insert_many(stored[PAGES], fresh[PAGES]),
    )


def growth(memory: list[float]) -> float:
    return max(memory) / min(memory) if memory else 1.0


def megabytes(memory: list[float]) -> str:
    return ", ".join(f"{m:.0f}" for m in memory)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=RECORDS)
    count = parser.parse_args(argv).records
    with tempfile.TemporaryDirectory(prefix="atnews-bench-store-") as tmp:
        base = Path(tmp)
        server = EmbeddedServer(base / "db", base / "run", base / "log")
        info = server.start(port=free_port())
        try:
            started = time.perf_counter()
            for _item in pages(count):
                pass
            making_s = time.perf_counter() - started
            threaded = run_pipelines(info.uri, base / "var1", "bench_threaded", count, True)
            synchronous = run_pipelines(info.uri, base / "var2", "bench_sync", count, False)
            database = connect(info.uri, "bench_per_item")
            per_item_s = run_one_insert_per_item(database, count)
            replace_s = run_replace_one_per_item(database, REPLACE_SAMPLE)
            floor_articles_s, floor_pages_s = run_floor(
                database.client["bench_threaded"], database.client["bench_floor"]
            )
            database.client.close()
        finally:
            server.stop()
    ms = 1000 / count
    peer_ms = per_item_s * ms
    floor_ms = (floor_articles_s + floor_pages_s) * ms
    ratio = per_item_s / threaded.seconds
    print(f"records: {count}, stored by the pipelines: {threaded.stored}, {synchronous.stored}")
    print(f"making the input pages (inside every time below): {making_s * ms:.3f} ms/record")
    for name, run in (
        ("batches on a thread, as in a crawl", threaded),
        ("synchronous", synchronous),
    ):
        print(
            f"pipelines, {name}: {count / run.seconds:,.0f} records/s"
            f" ({run.seconds * ms:.3f} ms/record), {per_item_s / run.seconds:.1f}x insert_one"
        )
    print(
        f"one insert_one per item (scrapy-mongodb): {count / per_item_s:,.0f} records/s"
        f" ({peer_ms:.3f} ms/record)"
    )
    print(f"ratio: {ratio:.1f}x (batches on a thread; target >= {TARGET_RATIO:.0f}x)")
    print(
        f"FerretDB floor (the stored documents again, insert_many of {FLOOR_BATCH}, same"
        f" indexes): articles {floor_articles_s * ms:.3f} + pages {floor_pages_s * ms:.3f}"
        f" = {floor_ms:.3f} ms/record; highest ratio any pipeline could reach against"
        f" insert_one here: {peer_ms / floor_ms:.1f}x"
    )
    print(
        f"replace_one upsert by url per item (scrapy-mongodb with a unique key; first"
        f" {REPLACE_SAMPLE} items into {count:,}): {1 / replace_s:,.1f} records/s,"
        f" ratio {count / threaded.seconds * replace_s:.0f}x"
    )
    print(
        f"pipeline RSS every {CHECKPOINT:,} records (MB): on a thread {megabytes(threaded.memory)}"
        f" (growth {growth(threaded.memory):.2f}x, target <= {MAX_MEMORY_GROWTH}x);"
        f" synchronous {megabytes(synchronous.memory)} (growth {growth(synchronous.memory):.2f}x)"
    )
    met = ratio >= TARGET_RATIO and growth(threaded.memory) <= MAX_MEMORY_GROWTH
    return 0 if met and threaded.stored == synchronous.stored == count else 1


if __name__ == "__main__":
    raise SystemExit(main())
