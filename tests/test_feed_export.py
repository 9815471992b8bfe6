"""Scrapy's feed exports (`scrapy crawl atnews -O items.jsonl|csv|json`, `atnews crawl -o`) write
article records, as `atnews extract` prints them, not the pipeline's item with its raw bytes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from crawl_support import REPO, SITE, run_crawl

from atnews_scraper.config import Config
from atnews_scraper.crawl.feed_export import (
    CsvRecordExporter,
    JsonLinesRecordExporter,
    JsonRecordExporter,
)
from atnews_scraper.replay import ReplayServer
from tooling.samples import make_page, make_record


def exported(exporter_class: type[Any]) -> str:
    stream = io.BytesIO()
    exporter = exporter_class(stream)
    exporter.start_exporting()
    exporter.export_item(make_page(make_record(1, tags=["Politics", "Taliban"], categories=[])))
    exporter.finish_exporting()
    return stream.getvalue().decode()


def test_jsonlines_is_the_extract_record() -> None:
    (line,) = exported(JsonLinesRecordExporter).splitlines()
    assert json.loads(line) == json.loads(
        json.dumps(make_record(1, tags=["Politics", "Taliban"], categories=[]))
    )


def test_json_is_a_list_of_records() -> None:
    (record,) = json.loads(exported(JsonRecordExporter))
    assert record["url"] == make_record(1)["url"] and "html" not in record


def test_csv_cells_are_flat_text() -> None:
    (row,) = csv.DictReader(io.StringIO(exported(CsvRecordExporter)))
    assert row["tags"] == "Politics | Taliban"
    assert row["categories"] == ""
    assert row["published_at"] == make_record(1)["published_at"]
    assert "html" not in row and "b'" not in "".join(row.values())


@pytest.mark.slow
def test_scrapy_crawl_dash_o_writes_records(config: Config, tmp_path: Path) -> None:
    out = tmp_path / "items.jsonl"
    env = {**os.environ, "MONGODB_URI": str(config.mongo_uri), "ATNEWS_DB": config.db_name}
    with ReplayServer(SITE) as site:
        done = subprocess.run(
            [
                sys.executable, "-m", "scrapy", "crawl", "atnews", "-a", f"site_url={site.url}",
                "-O", str(out), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
                "-s", "ATNEWS_OBEY_CRAWL_DELAY=0", "-s", f"ATNEWS_VAR_DIR={config.var_dir}",
            ],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 40
    assert all(r["url"].startswith("https://www.afghanistantimes.af/") for r in records)
    assert "ERROR" not in done.stderr and "Traceback" not in done.stderr


def test_atnews_crawl_takes_dash_o_and_dash_s(config: Config, tmp_path: Path) -> None:
    out = tmp_path / "items.csv"
    with ReplayServer(SITE) as site:
        result = run_crawl(config, site.url, "-O", str(out), "-s", "CLOSESPIDER_PAGECOUNT=12")
    assert result.code == 0, result.stderr
    assert result.summary["finish_reason"] == "closespider_pagecount"  # the setting applied
    rows = list(csv.DictReader(out.open()))
    assert 0 < len(rows) == result.summary["articles"]["new"] < 40
    assert all(row["url"].startswith("https://www.afghanistantimes.af/") for row in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-s", "NOEQUALS"], "-s: 'NOEQUALS' is not NAME=VALUE"),
        (["-o", "a.jsonl", "-O", "b.jsonl"], "-o and -O cannot be used together"),
    ],
)
def test_bad_scrapy_options_are_one_line(config: Config, args: list[str], message: str) -> None:
    result = run_crawl(config, "http://127.0.0.1:9/", *args)
    assert result.code == 2
    assert result.stderr.strip() == f"atnews crawl: error: {message}"
