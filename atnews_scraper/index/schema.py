"""The index's tables, and one stored document as the values of its rows.

``articles`` holds one row per article: the columns analysts filter, sort and facet on, and
``document``, the whole stored document as JSON (dates as ISO 8601 in Kabul time, as every
command prints them), from which commands rebuild exactly what MongoDB would have returned.
``article_categories`` / ``article_tags`` / ``article_authors`` / ``article_aliases`` hold the
list fields one value per row; ``articles_fts`` is an external-content FTS5 table over title and
body; ``article_revisions`` holds earlier versions for `atnews show`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any

from bson import json_util

from atnews_scraper.analysis.fields import DATE_FIELDS, TOP_LEVEL_FIELDS
from atnews_scraper.stored_document import document_to_record, with_stored_dates
from atnews_scraper.timestamps import KABUL

SCHEMA_VERSION = 7
FIELD_NAMES = TOP_LEVEL_FIELDS

# Scalar fields kept as columns (filters and sorts on them use SQLite indexes).
TEXT_COLUMNS = (
    "url",
    "title",
    "byline",
    "dateline",
    "wp_author",
    "language",
    "date_precision",
    "content_hash",
    "duplicate_of",
    "near_duplicate_of",
    "simhash",
    "discovered_via",
)
NUMBER_COLUMNS = ("post_id", "word_count", "revision")
DATE_COLUMNS = tuple(sorted(DATE_FIELDS))
# list field -> child table
LIST_TABLES = {
    "categories": "article_categories",
    "tags": "article_tags",
    "authors": "article_authors",
    "url_aliases": "article_aliases",
}
COLUMNS = (*TEXT_COLUMNS, *NUMBER_COLUMNS, *DATE_COLUMNS)


def _child_table(table: str) -> str:
    return f"""
CREATE TABLE IF NOT EXISTS {table} (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS {table}_value ON {table} (value, article_id);
CREATE INDEX IF NOT EXISTS {table}_article ON {table} (article_id);
"""


_COLUMN_DDL = ",\n    ".join(
    [f"{name} TEXT" for name in TEXT_COLUMNS]
    + [f"{name} INTEGER" for name in NUMBER_COLUMNS]
    + [f"{name} TEXT" for name in DATE_COLUMNS]
)

DDL = (
    f"""
CREATE TABLE IF NOT EXISTS index_meta (key TEXT PRIMARY KEY, value TEXT);
-- Store batches (change log commits) already applied: each is read from MongoDB once.
CREATE TABLE IF NOT EXISTS applied_batches (batch TEXT PRIMARY KEY, committed_at TEXT);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    mongo_id TEXT NOT NULL UNIQUE,
    {_COLUMN_DDL},
    published TEXT,
    year_month TEXT,
    published_day TEXT,
    categories TEXT,
    tags TEXT,
    authors TEXT,
    absent TEXT,
    sizes TEXT,
    body_chars INTEGER
);
-- The big values apart, so that scans of ``articles`` (counts, facets, filters) stay small.
CREATE TABLE IF NOT EXISTS article_texts (
    id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    body TEXT,
    document TEXT NOT NULL
);
CREATE VIEW IF NOT EXISTS article_fts_source AS
    SELECT a.id AS id, a.title AS title, t.body AS body
    FROM articles a JOIN article_texts t ON t.id = a.id;
CREATE INDEX IF NOT EXISTS articles_url ON articles (url);
CREATE INDEX IF NOT EXISTS articles_post_id ON articles (post_id);
CREATE INDEX IF NOT EXISTS articles_published_at ON articles (published_at);
CREATE INDEX IF NOT EXISTS articles_published_day ON articles (published_day);
CREATE INDEX IF NOT EXISTS articles_year_month ON articles (year_month);
"""
    + "".join(_child_table(table) for table in LIST_TABLES.values())
    + """
CREATE TABLE IF NOT EXISTS article_revisions (
    revision_key TEXT PRIMARY KEY,
    article_mongo_id TEXT NOT NULL,
    revision INTEGER,
    superseded_at TEXT,
    title TEXT,
    document TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS article_revisions_article ON article_revisions (article_mongo_id);
-- What `atnews browse` lists: the readable columns, newest first by default.
CREATE VIEW IF NOT EXISTS article_list AS
    SELECT id, published, title, byline, categories, tags, authors, year_month, word_count, url
    FROM articles;
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5 (
    title, body, content='article_fts_source', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
"""
)


def mongo_key(value: Any) -> str:
    """A MongoDB ``_id`` as text that turns back into the same value (``from_mongo_key``)."""
    return json_util.dumps(value)


def from_mongo_key(text: str) -> Any:
    return json_util.loads(text)


def utc_text(value: Any) -> str | None:
    """A datetime as sortable UTC text (``2022-09-15T19:30:00.000000Z``); else None."""
    if not isinstance(value, dt.datetime):
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    # isoformat, not strftime: strftime writes year 500 as "500", which sorts after "2022".
    return f"{aware.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec='microseconds')}Z"


def kabul_time(moment: dt.datetime) -> dt.datetime:
    """The moment in Kabul time (naive means UTC); in UTC for the calendar's last hours, whose
    Kabul time is past year 9999 (as document_to_record and the stats buckets do)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    try:
        return aware.astimezone(KABUL)
    except OverflowError:
        return aware.astimezone(dt.UTC)


def list_values(value: Any) -> list[str]:
    """The distinct non-empty strings of a list field (a lone string counts as a list of one)."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return list(dict.fromkeys(str(item) for item in items if item))


def scalar(value: Any, number: bool) -> Any:
    if value is None:
        return None
    if number:
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None
    return value if isinstance(value, str) else None


def article_row(document: Mapping[str, Any]) -> dict[str, Any]:
    """The ``articles`` row for a stored document (without ``id``)."""
    row: dict[str, Any] = {"mongo_id": mongo_key(document.get("_id"))}
    for name in TEXT_COLUMNS:
        row[name] = scalar(document.get(name), number=False)
    for name in NUMBER_COLUMNS:
        row[name] = scalar(document.get(name), number=True)
    for name in DATE_COLUMNS:
        row[name] = utc_text(document.get(name))
    published = document.get("published_at")
    if isinstance(published, dt.datetime):
        local = kabul_time(published)
        day = local.date().isoformat()  # strftime writes year 1 as "1", not "0001"
        row["published"] = f"{day} {local:%H:%M}"
        row["year_month"] = day[:7]
        row["published_day"] = day
    else:
        row["published"] = row["year_month"] = row["published_day"] = None
    for name in ("categories", "tags", "authors"):  # JSON arrays, for Datasette's array facets
        row[name] = json.dumps(list_values(document.get(name)), ensure_ascii=False)
    # ",check_also,modified_at," and ",categories:2,tags:0,": null/size tests without JSON.
    row["absent"] = "," + "".join(f"{k}," for k in FIELD_NAMES if document.get(k) is None)
    body = document.get("body")
    row["body_chars"] = len(body) if isinstance(body, str) else None
    row["sizes"] = "," + "".join(
        f"{k}:{len(v)}," for k, v in document.items() if isinstance(v, list)
    )
    return row


def text_row(document: Mapping[str, Any]) -> dict[str, Any]:
    """The ``article_texts`` values (without ``id``): the body and the whole document."""
    return {"body": scalar(document.get("body"), number=False), "document": document_json(document)}


ROW_NAMES = (
    "mongo_id",
    *COLUMNS,
    "published",
    "year_month",
    "published_day",
    "categories",
    "tags",
    "authors",
    "absent",
    "sizes",
    "body_chars",
)
INSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(ROW_NAMES)}) "
    f"VALUES ({', '.join(':' + name for name in ROW_NAMES)}) "
    "ON CONFLICT (mongo_id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in ROW_NAMES if name != "mongo_id")
    + " RETURNING id"
)


def bson_default(value: Any) -> Any:
    """Any other BSON value (ObjectId, Binary, Timestamp, ...) as MongoDB Extended JSON."""
    try:
        return json_util.default(value)
    except TypeError:
        return str(value)


def json_safe(value: Any) -> Any:
    """A record's values as strict JSON (SQLite's json functions refuse NaN): a non-finite
    double as Extended JSON, and a stored key beginning with "$" escaped with one more "$", so
    that only Extended JSON wrappers have keys with a single leading "$"."""
    if isinstance(value, float) and not math.isfinite(value):
        text = "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
        return {"$numberDouble": text}
    if isinstance(value, Mapping):
        return {(f"${k}" if k.startswith("$") else k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    return value


def stored_value(wrapper: dict[str, Any]) -> Any:
    """One JSON object of ``document_json`` back as what MongoDB held."""
    if any(key.startswith("$$") for key in wrapper):
        return {(key[1:] if key.startswith("$") else key): v for key, v in wrapper.items()}
    return json_util.object_hook(wrapper)


def record_from_json(text: str) -> dict[str, Any]:
    """A ``document_json`` text back as a record: Extended JSON values as their BSON types."""
    record: dict[str, Any] = json.loads(text, object_hook=stored_value)
    return record


def document_json(document: Mapping[str, Any]) -> str:
    """The stored document (without ``_id``) as JSON: dates as ISO 8601 in Kabul time (UTC at
    the calendar's last hours), other BSON values as Extended JSON (``record_from_json``)."""
    record = json_safe(document_to_record(document))
    return json.dumps(
        record, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=bson_default
    )


def document_from_json(text: str) -> dict[str, Any]:
    """What MongoDB returned for the article (``_id`` aside): the date fields as datetimes."""
    return with_stored_dates(record_from_json(text), DATE_FIELDS)


def revision_row(document: Mapping[str, Any]) -> dict[str, Any]:
    """The ``article_revisions`` row for a stored earlier version."""
    record = {k: v for k, v in document.items() if k not in ("_id", "article_id")}
    return {
        "revision_key": mongo_key(document.get("_id")),
        "article_mongo_id": mongo_key(document.get("article_id")),
        "revision": scalar(document.get("revision"), number=True),
        "superseded_at": utc_text(document.get("superseded_at")),
        "title": scalar(document.get("title"), number=False),
        "document": document_json(record),
    }


INSERT_REVISION = (
    "INSERT OR REPLACE INTO article_revisions "
    "(revision_key, article_mongo_id, revision, superseded_at, title, document) "
    "VALUES (:revision_key, :article_mongo_id, :revision, :superseded_at, :title, :document)"
)
