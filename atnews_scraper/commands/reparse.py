"""`atnews reparse`: re-run extraction over stored raw pages and report what changed.

No fetching: each page comes from the `pages` collection. A record that differs from the stored
article is stored through the same ArticleStore as a crawl would (a new revision when the article
itself changed); a page that was rejected before and now extracts to a valid record is stored
as a new article. The report counts changes per field and lists the changed URLs on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pymongo.database import Database

from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.config import Config
from atnews_scraper.crawl.canonical import checked_record_url
from atnews_scraper.crawl.category_names import StoredCategoryNames
from atnews_scraper.database import ARTICLES, open_database
from atnews_scraper.errors import ConfigError
from atnews_scraper.extract import ExtractionError, extract_article
from atnews_scraper.ingest.article_documents import article_document
from atnews_scraper.ingest.article_store import ArticleStore
from atnews_scraper.ingest.entry import IngestEntry
from atnews_scraper.ingest.pages import find_pages, page_html
from atnews_scraper.ingest.validation import check_record
from atnews_scraper.ingest.versions import changed_fields
from atnews_scraper.timestamps import KABUL, parse_iso
from atnews_scraper.urls import UrlRules

WRITE_BATCH = 200


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "reparse",
        parents=parents,
        help="re-run extraction over stored raw pages and report what changed",
    )
    parser.add_argument("--url", help="only this article (any form of its URL)")
    parser.add_argument(
        "--since", metavar="DATE", help="only pages fetched on or after DATE (YYYY-MM-DD or ISO)"
    )
    parser.set_defaults(handler=run)


@dataclass
class ReparseReport:
    pages: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)  # "URL: why"
    changes: dict[str, list[str]] = field(default_factory=dict)  # URL -> changed fields
    outcomes: Counter[str] = field(default_factory=Counter)

    def field_counts(self) -> Counter[str]:
        return Counter(name for names in self.changes.values() for name in names)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    since = parse_since(args.since) if args.since else None
    rules = UrlRules(config.hosts, config.site_url)
    url = rules.canonical(args.url) if args.url else None
    report = reparse(open_database(config, say=say), config, url=url, since=since)
    for changed_url, names in report.changes.items():
        print(f"{changed_url}\t{', '.join(names)}")
    for failure in report.failed:
        say(f"not re-extracted: {failure}")
    counts = ", ".join(f"{name} {n}" for name, n in report.field_counts().most_common())
    say(
        f"reparsed {report.pages} page(s): {len(report.changes)} changed, "
        f"{report.unchanged} unchanged, {len(report.failed)} failed"
        + (f"; stored: {dict(report.outcomes)}" if report.outcomes else "")
        + (f"; fields changed: {counts}" if counts else "")
    )
    return 0


def parse_since(value: str) -> dt.datetime:
    try:
        return parse_iso(value if "T" in value else f"{value}T00:00:00", KABUL).astimezone(dt.UTC)
    except ValueError:
        raise ConfigError(
            f"--since {value!r} is not a date: use YYYY-MM-DD or an ISO 8601 date-time"
        ) from None


def reparse(
    database: Database,
    config: Config,
    url: str | None = None,
    since: dt.datetime | None = None,
) -> ReparseReport:
    """Re-extract stored pages, store the records that changed, and say what changed."""
    store = ArticleStore(database)
    store.open()
    rules = UrlRules(config.hosts, config.site_url)
    report = ReparseReport()
    category_names = StoredCategoryNames(database)
    pending: list[IngestEntry] = []
    for page in find_pages(database, url=url, since=since):
        report.pages += 1
        entry = reextract(database, page, rules, report, category_names)
        if entry is None:
            continue
        stored = stored_article(database, store, entry.url)
        if stored is not None:  # what the page alone cannot tell
            entry.sitemap_lastmod = stored.get("sitemap_lastmod")
            entry.discovered_via = stored.get("discovered_via")
        names = changed_fields(stored or {}, article_document(entry))
        if stored is not None and not names:
            report.unchanged += 1
            continue
        report.changes[entry.url] = names if stored is not None else ["(new article)"]
        pending.append(entry)
        if len(pending) >= WRITE_BATCH:
            report.outcomes.update(store.write(pending))
            pending = []
    report.outcomes.update(store.write(pending))
    return report


def reextract(
    database: Database,
    page: dict[str, Any],
    rules: UrlRules,
    report: ReparseReport,
    category_names: Mapping[str, str] | None = None,
) -> IngestEntry | None:
    """The entry for a stored page's fresh record, or None (noted in the report) if unusable;
    `category_names` names the categories the page shows only by slug."""
    encoding = page.get("encoding")
    try:
        record = extract_article(
            page_html(database, page),
            page["url"],
            rules=rules,
            content_type=f"text/html; charset={encoding}" if encoding else None,
            category_names=category_names,
        )
    except ExtractionError as exc:
        report.failed.append(f"{page['url']}: {exc}")
        return None
    record = checked_record_url(record, page["url"], rules)  # as the crawl stored it
    checked = check_record(record)
    if not checked.valid:
        report.failed.append(f"{page['url']}: {'; '.join(checked.reasons)}")
        return None
    safe = checked.record
    return IngestEntry(
        kind="article",
        record=safe,
        url=rules.canonical(safe["url"]),
        fetch_url=page["fetch_url"],
        status=page["status"],
        fetched_at=page["fetched_at"],
        encoding=encoding,
        etag=page.get("http_etag"),
        last_modified=page.get("http_last_modified"),
        reparse=True,
    )


def stored_article(database: Database, store: ArticleStore, url: str) -> dict[str, Any] | None:
    assert store.keys is not None
    article_id = store.keys.by_url.get(url)
    return None if article_id is None else database[ARTICLES].find_one({"_id": article_id})
