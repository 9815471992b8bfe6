"""BatchPlan: the writes one store batch needs, collected before any is sent, and the article
updates they come to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pymongo import ReplaceOne, UpdateOne

from atnews_scraper.ingest.entry import IngestEntry


@dataclass
class BatchPlan:
    """The writes one batch needs, collected before any is sent."""

    inserts: dict[Any, dict[str, Any]] = field(default_factory=dict)
    replaces: dict[Any, dict[str, Any]] = field(default_factory=dict)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    stored_versions: dict[Any, int] = field(default_factory=dict)  # id -> stored revision to keep
    aliases: dict[Any, set[str]] = field(default_factory=dict)
    touches: dict[Any, dt.datetime] = field(default_factory=dict)
    pages: list[IngestEntry] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    # The stored article each entry was planned against, in entry order (None: a reject).
    article_of: list[Any] = field(default_factory=list)
    current: Any = None


def article_updates(plan: BatchPlan) -> list[ReplaceOne[Any] | UpdateOne]:
    """Replacements by new versions, new aliases, and last_seen_at moves, one per article."""
    operations: list[ReplaceOne[Any] | UpdateOne] = [
        ReplaceOne({"_id": article_id}, document) for article_id, document in plan.replaces.items()
    ]
    written = plan.inserts.keys() | plan.replaces.keys()
    for article_id, urls in plan.aliases.items():
        if article_id not in written:
            update = {"$addToSet": {"url_aliases": {"$each": sorted(urls)}}}
            operations.append(UpdateOne({"_id": article_id}, update))
    for article_id, seen_at in plan.touches.items():
        if article_id not in written:
            operations.append(UpdateOne({"_id": article_id}, {"$max": {"last_seen_at": seen_at}}))
    return operations
