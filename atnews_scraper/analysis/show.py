"""One stored article as readable text, with its revision history.

``article_revisions`` holds earlier versions (docs/storage.md): the whole old document plus
``article_id`` (the ``_id`` of the article in ``articles``) and ``superseded_at``. The history
lists them oldest first, then the current version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pymongo.database import Database

from atnews_scraper.analysis.filters import INT64_MAX
from atnews_scraper.analysis.formatting import terminal_safe
from atnews_scraper.database import ARTICLE_REVISIONS, ARTICLES
from atnews_scraper.errors import ConfigError
from atnews_scraper.sequences import unique
from atnews_scraper.stored_document import document_to_record
from atnews_scraper.urls import UrlRules, shortlink_post_id

LIST_SEPARATOR = " | "
KEY_HINT = "give the article's URL or its post ID"


def article_key(key: str, rules: UrlRules) -> tuple[int | None, list[str]]:
    """(the post ID, else None; the URLs to look up, else []) for what `show` was given.

    Raises ConfigError for a malformed URL or a post ID beyond 64 bits (every backend)."""
    key = key.strip()
    try:
        post_id = int(key) if key.isdecimal() else shortlink_post_id(key)
        urls = [] if post_id is not None else unique([rules.canonical(key), key])
    except ValueError as exc:  # urllib's reason, e.g. "Invalid IPv6 URL"
        raise ConfigError(f"{key!r} is not a valid URL ({exc}); {KEY_HINT}") from None
    if post_id is not None and post_id > INT64_MAX:
        raise ConfigError(f"post ID {post_id} is too large (at most {INT64_MAX}); {KEY_HINT}")
    return post_id, urls


def find_article(database: Database, key: str, rules: UrlRules) -> dict[str, Any] | None:
    """The stored article for a post ID, a shortlink or any URL it is known by, else None."""
    post_id, urls = article_key(key, rules)
    if post_id is not None:
        return database[ARTICLES].find_one({"post_id": post_id})
    return database[ARTICLES].find_one(
        {"$or": [{"url": {"$in": urls}}, {"url_aliases": {"$in": urls}}]}
    )


def find_revisions(database: Database, article: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Earlier versions of the stored article, oldest first (JSON-ready records)."""
    cursor = database[ARTICLE_REVISIONS].find(
        {"article_id": article["_id"]}, {"_id": 0, "article_id": 0}, sort=[("revision", 1)]
    )
    return [document_to_record(doc) for doc in cursor]


def _line(label: str, value: Any) -> list[str]:
    if value in (None, "", []):
        return []
    text = LIST_SEPARATOR.join(map(str, value)) if isinstance(value, list) else str(value)
    return [f"{label + ':':<12}{text}"]


def _link(link: Mapping[str, Any] | None) -> str | None:
    return f"{link.get('title')} <{link.get('url')}>" if link else None


def _version_line(version: Mapping[str, Any], current: bool) -> str:
    seen = version.get("fetched_at") or version.get("last_seen_at") or "?"
    words = version.get("word_count")
    digest = (version.get("content_hash") or "")[:12]
    label = f"revision {version.get('revision', '?')}" + (" (current)" if current else "")
    superseded = version.get("superseded_at")
    until = f", superseded {superseded}" if superseded else ""
    return f"  {label}: fetched {seen}{until}, {words} words, hash {digest}: {version.get('title')}"


def render_article(record: Mapping[str, Any], revisions: Iterable[Mapping[str, Any]]) -> str:
    """The readable text of a record (JSON-ready values) and its earlier versions; control
    characters in stored text are shown as ``\\xNN`` so a terminal never acts on them."""
    title = terminal_safe(record.get("title") or "(no title)")
    lines = [title, "=" * min(len(title), 100)]
    precision = record.get("date_precision")
    published = record.get("published_at")
    lines += _line("url", record.get("url"))
    lines += _line("also at", record.get("url_aliases"))
    lines += _line("post id", record.get("post_id"))
    lines += _line(
        "published", f"{published} ({precision})" if published and precision else published
    )
    lines += _line("modified", record.get("modified_at"))
    lines += _line("byline", record.get("byline"))
    lines += _line("authors", record.get("authors"))
    lines += _line("account", record.get("wp_author"))
    lines += _line("dateline", record.get("dateline"))
    lines += _line("categories", record.get("categories"))
    lines += _line("tags", record.get("tags"))
    lines += _line("words", record.get("word_count"))
    lines += ["", record.get("body") or "(no body text)", ""]
    check_also = record.get("check_also")
    lines += _line("check also", _link(check_also))
    lines += _line("previous", _link(record.get("previous")))
    lines += _line("next", _link(record.get("next")))
    lines += _line("image", (record.get("lead_image") or {}).get("url"))
    related = record.get("related") or []
    if related:
        lines.append("related:")
        lines += [f"  - {_link(link)}" for link in related]
    history = [*revisions, record]
    lines += ["", f"revision history ({len(history)} version{'s' if len(history) > 1 else ''}):"]
    lines += [_version_line(v, current=v is record) for v in history]
    lines += _line("first seen", record.get("first_seen_at"))
    lines += _line("last seen", record.get("last_seen_at"))
    return terminal_safe("\n".join(lines)) + "\n"
