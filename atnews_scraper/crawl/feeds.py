"""RSS 2.0 (and Atom) feeds: the article links they list, with their publication dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from atnews_scraper.crawl.xml import child_text, local_name, parse_w3c_datetime, parse_xml
from atnews_scraper.timestamps import parse_http_date

MAX_FEED_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FeedEntry:
    link: str
    published: dt.datetime | None


def parse_feed(body: bytes) -> list[FeedEntry]:
    """Entries of an RSS 2.0 or Atom feed; raises NotXml for anything else."""
    root = parse_xml(body, MAX_FEED_BYTES)
    entries: list[FeedEntry] = []
    for element in root.iter():
        name = local_name(element)
        if name == "item":
            link = child_text(element, "link")
            if link:
                entries.append(FeedEntry(link, parse_http_date(child_text(element, "pubDate"))))
        elif name == "entry":
            href = next(
                (
                    str(child.get("href"))
                    for child in element
                    if local_name(child) == "link" and child.get("rel", "alternate") == "alternate"
                ),
                None,
            )
            if href:
                published = child_text(element, "published") or child_text(element, "updated")
                entries.append(FeedEntry(href, parse_w3c_datetime(published)))
    return entries
