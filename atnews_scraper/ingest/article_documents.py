"""The documents the store writes for an entry: its article (and the fingerprint of its
revisioned fields), a reject, and a superseded version for `article_revisions`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from atnews_scraper.ingest import simhash
from atnews_scraper.ingest.entry import ARTICLE, IngestEntry
from atnews_scraper.ingest.versions import fingerprint
from atnews_scraper.stored_document import record_to_document

REJECT_BODY_CHARS = 64 * 1024


@dataclass(frozen=True)
class PreparedArticle:
    """What an entry's article is whatever is stored: its document before the storage fields,
    and the fingerprint of its revisioned fields (which storage never changes)."""

    document: dict[str, Any]
    fingerprint: str


def prepare(entry: IngestEntry) -> None:
    """Work out the entry's article document and fingerprint now, on the caller's thread, so
    that a batch written on the writer thread costs it only planning and the writes. The entry
    must not change afterwards."""
    if entry.kind != ARTICLE:
        return
    try:
        document = build_article_document(entry)
        entry.prepared = PreparedArticle(document, fingerprint(document))
    except Exception:
        return  # the write works it out again, and deals with the error as it always did


def article_document(entry: IngestEntry) -> dict[str, Any]:
    """The stored form of an entry's record, with its fetch facts (storage fields added later):
    a copy of the prepared one, or made now."""
    if entry.prepared is not None:
        return dict(entry.prepared.document)
    return build_article_document(entry)


def article_fingerprint(entry: IngestEntry, document: dict[str, Any]) -> str:
    """The fingerprint of the entry's article document (prepared, or of `document`)."""
    return entry.prepared.fingerprint if entry.prepared is not None else fingerprint(document)


def build_article_document(entry: IngestEntry) -> dict[str, Any]:
    document = record_to_document(entry.record)  # type: ignore[arg-type]
    document["url"] = entry.url
    document["simhash"] = simhash.to_hex(simhash.simhash(entry.record["body"]))
    document["sitemap_lastmod"] = entry.sitemap_lastmod
    document["http_etag"] = entry.etag
    document["http_last_modified"] = entry.last_modified
    document["discovered_via"] = entry.discovered_via
    return document


def reject_document(entry: IngestEntry) -> dict[str, Any]:
    """A `rejects` document: why, where, and the record (an oversize body cut short)."""
    record = dict(entry.record)
    body = record.get("body")
    if isinstance(body, str) and len(body) > REJECT_BODY_CHARS:
        record["body"] = body[:REJECT_BODY_CHARS]
        record["body_truncated_from_chars"] = len(body)
    return {
        "_id": entry.entry_id,
        "url": entry.url,
        "fetch_url": entry.fetch_url,
        "status": entry.status,
        "fetched_at": entry.fetched_at,
        "reasons": entry.reasons,
        "record": record,
    }


def revision_document(article: dict[str, Any], superseded_at: dt.datetime) -> dict[str, Any]:
    """An old version for `article_revisions`, keyed so that storing it twice is a no-op."""
    document = {key: value for key, value in article.items() if key != "_id"}
    document.update(
        _id=f"{article['_id']}:{article.get('revision') or 1}",
        revision=article.get("revision") or 1,
        article_id=article["_id"],
        superseded_at=superseded_at,
    )
    return document
