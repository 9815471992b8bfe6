"""The fixed analysis data set (tests/data/analysis_records.json) loaded into a test database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pymongo.database import Database

from atnews_scraper.analysis.fields import DATE_FIELDS
from atnews_scraper.database import ARTICLE_REVISIONS, ARTICLES
from atnews_scraper.timestamps import KABUL, parse_iso

DATA_FILE = Path(__file__).resolve().parent / "data" / "analysis_records.json"


def stored_form(record: dict[str, Any]) -> dict[str, Any]:
    """The record as storage keeps it: every date field a UTC datetime."""
    document = dict(record)
    for name in DATE_FIELDS:
        if isinstance(document.get(name), str):
            document[name] = parse_iso(document[name], KABUL)
    return document


def load_analysis_records(database: Database) -> dict[str, list[dict[str, Any]]]:
    """Insert the data set; return it as read from the file (JSON values)."""
    data: dict[str, list[dict[str, Any]]] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    database[ARTICLES].insert_many([stored_form(r) for r in data["articles"]])
    database[ARTICLE_REVISIONS].insert_many(
        [revision_form(database, r) for r in data["article_revisions"]]
    )
    return data


def revision_form(database: Database, record: dict[str, Any]) -> dict[str, Any]:
    """An old version as storage keeps it (docs/storage.md): keyed to its article's ``_id``."""
    article = database[ARTICLES].find_one({"url": record["url"]}, {"_id": 1})
    assert article is not None, f"no article {record['url']} for revision {record['revision']}"
    document = stored_form(record)
    document["superseded_at"] = parse_iso(record["superseded_at"], KABUL)
    document["_id"] = f"{article['_id']}:{record['revision']}"
    document["article_id"] = article["_id"]
    return document


def cli_args(database: Database) -> list[str]:
    """The store options that point a command at the test database."""
    address = database.client.address
    assert address is not None, "the test database client is not connected"
    host, port = address
    return ["--mongo-uri", f"mongodb://{host}:{port}/", "--db", database.name]
