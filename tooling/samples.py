"""Synthetic article pages in the exact record shape, for ingest tests and the store benchmark."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
import unicodedata
from typing import Any

from atnews_scraper.items import ArticlePage
from atnews_scraper.record import ArticleRecord

SITE = "https://www.afghanistantimes.af/"
FETCHED_AT = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
WORDS = [
    "kabul",
    "province",
    "officials",
    "said",
    "ministry",
    "government",
    "people",
    "security",
    "council",
    "meeting",
    "education",
    "health",
    "water",
    "drought",
    "flood",
    "refugees",
    "border",
    "trade",
    "economy",
    "women",
    "girls",
    "school",
    "university",
    "taliban",
    "united",
    "nations",
    "aid",
    "report",
    "week",
]


def content_hash(body: str) -> str:
    """sha256 of the body after NFC and collapsing white space (docs/record-conventions.md)."""
    normal = re.sub(r"\s+", " ", unicodedata.normalize("NFC", body)).strip()
    return hashlib.sha256(normal.encode()).hexdigest()


def story(seed: int, paragraphs: int = 6, words: int = 60) -> str:
    """A reproducible body of random words: distinct seeds give unrelated stories."""
    rng = random.Random(seed)
    return "\n\n".join(
        " ".join(rng.choices(WORDS, k=words)).capitalize() + "." for _ in range(paragraphs)
    )


def make_record(n: int, body: str | None = None, **fields: Any) -> ArticleRecord:
    """Article number n (post ID 1000 + n, URL /story-n/) with a body of its own."""
    body = story(n) if body is None else body
    record: dict[str, Any] = {
        "url": f"{SITE}story-{n}/",
        "post_id": 1000 + n,
        "title": f"Story {n}",
        "body": body,
        "byline": "AT News",
        "dateline": "Kabul",
        "authors": [],
        "wp_author": "admin",
        "published_at": "2024-05-14T09:30:00+04:30",
        "modified_at": None,
        "date_precision": "datetime",
        "categories": ["Latest"],
        "tags": ["Kabul"],
        "breadcrumbs": ["Home", "Latest", f"Story {n}"],
        "check_also": None,
        "related": [{"title": "Other", "url": f"{SITE}other/"}],
        "previous": None,
        "next": None,
        "lead_image": {"url": f"{SITE}wp-content/uploads/{n}.jpg", "alt": None},
        "images": [],
        "language": "en",
        "word_count": len(body.split()),
        "content_hash": content_hash(body),
        "extraction": {
            "method": "sahifa",
            "sources": {"title": "sahifa"},
            "warnings": [],
            "version": "t",
        },
    }
    record.update(fields)
    if "body" in fields and "content_hash" not in fields:
        record["content_hash"] = content_hash(record["body"])
    return record  # type: ignore[return-value]


def make_page(
    record: ArticleRecord | dict[str, Any],
    fetched_at: dt.datetime = FETCHED_AT,
    html: bytes | None = None,
) -> ArticlePage:
    """The page a spider would yield for record (its HTML is a small stand-in by default)."""
    url = str(record.get("url") or SITE)
    if html is None:
        html = f"<html><body><article>{record.get('body', '')}</article></body></html>".encode(
            "utf-8", "replace"
        )
    return ArticlePage(
        record=record,  # type: ignore[arg-type]
        html=html,
        fetch_url=url,
        status=200,
        fetched_at=fetched_at,
        encoding="utf-8",
        discovered_via="listing",
    )
