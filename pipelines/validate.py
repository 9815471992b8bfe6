"""ValidatePipeline: required fields and types; an invalid record goes to `rejects`, counted."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from atnews_scraper.ingest.entry import REJECT, IngestEntry
from atnews_scraper.ingest.session import IngestSession
from atnews_scraper.ingest.validation import check_record, json_safe
from atnews_scraper.items import ArticlePage
from atnews_scraper.pipelines.base import SessionPipeline

REPAIRED_WARNING = "unsafe-input-repaired"


class ValidatePipeline(SessionPipeline):
    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        checked = check_record(item.record)
        if checked.valid:
            if checked.repairs:
                note_repairs(checked.record)
            item.record = checked.record  # type: ignore[assignment]
            return item
        reject(self.session, item, checked.record, checked.reasons)
        raise DropItem(f"rejected {item.fetch_url}: {'; '.join(checked.reasons)}")


def note_repairs(record: dict[str, Any]) -> None:
    extraction = record["extraction"]
    extraction["warnings"] = sorted({*extraction["warnings"], REPAIRED_WARNING})


def reject(
    session: IngestSession, item: ArticlePage, record: dict[str, Any], reasons: list[str]
) -> None:
    """Keep the reject (record, reasons, raw page) and count it."""
    url = record.get("url")
    key = session.rules.canonical(url if isinstance(url, str) and url else item.fetch_url)
    entry = IngestEntry.from_page(item, json_safe(record), key, kind=REJECT)
    entry.reasons = reasons
    session.count("rejected", entry)
    session.add(entry)
