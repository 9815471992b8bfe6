"""Scrapy feed exports of article records (`scrapy crawl atnews -O items.jsonl`, `atnews crawl -o`).

The pipelines pass ArticlePage items (the record plus the raw page bytes); a feed gets the record
alone, as `atnews extract` prints it (dates as ISO 8601 strings, lists as lists). CSV cells are
flat text as in `atnews export`: a list of plain values joined with " | ", a nested value as
compact JSON. Switched on by FEED_EXPORTERS in settings.py.
"""

from __future__ import annotations

from typing import Any

from scrapy.exporters import (
    CsvItemExporter,
    JsonItemExporter,
    JsonLinesItemExporter,
    XmlItemExporter,
)

from atnews_scraper.analysis.formatting import cell_text
from atnews_scraper.items import ArticlePage


def feed_record(item: Any) -> Any:
    """What a feed writes for an item: an article page's record; anything else as it is."""
    return dict(item.record) if isinstance(item, ArticlePage) else item


class JsonLinesRecordExporter(JsonLinesItemExporter):
    def export_item(self, item: Any) -> None:
        super().export_item(feed_record(item))


class JsonRecordExporter(JsonItemExporter):
    def export_item(self, item: Any) -> None:
        super().export_item(feed_record(item))


class XmlRecordExporter(XmlItemExporter):
    def export_item(self, item: Any) -> None:
        super().export_item(feed_record(item))


class CsvRecordExporter(CsvItemExporter):
    def export_item(self, item: Any) -> None:
        super().export_item(feed_record(item))

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        return cell_text(value)
