"""Which URL an article record carries: its rel=canonical only when that can be trusted.

A page's canonical is data from the site: a hostile or broken page may name another article, the
home page, a category or another site. Trusted, such a canonical would store the page under the
wrong key (overwriting another article, or merging posts at ``/``).
"""

from __future__ import annotations

from typing import Any

from w3lib.url import canonicalize_url

from atnews_scraper.urls import PageKind, UrlRules, shortlink_post_id

CANONICAL_IGNORED = "canonical-ignored"


def trusted_canonical(canonical: str, fetched: str, post_id: Any, rules: UrlRules) -> bool:
    """Whether ``canonical`` may be the record's URL for a page fetched at ``fetched``: it is an
    article URL on the site, and it is the fetched URL (up to spelling: case of escapes,
    query order) or the fetched URL is the shortlink ``/?p=ID`` of the page's own post ID."""
    if not rules.is_own(canonical) or rules.kind(canonical) != PageKind.ARTICLE:
        return False
    fetched = rules.canonical(fetched)
    if canonicalize_url(canonical) == canonicalize_url(fetched):
        return True
    shortlink_id = shortlink_post_id(fetched) if rules.kind(fetched) == PageKind.SHORTLINK else None
    return shortlink_id is not None and shortlink_id == post_id


def checked_record_url(record: Any, fetched: str, rules: UrlRules) -> Any:
    """The record, its URL replaced by the fetched one (and a ``canonical-ignored`` warning) when
    its canonical cannot be trusted."""
    claimed = record.get("url")
    if (
        isinstance(claimed, str)
        and claimed
        and trusted_canonical(claimed, fetched, record.get("post_id"), rules)
    ):
        return record
    record["url"] = rules.canonical(fetched)
    extraction = record.get("extraction")
    if claimed and isinstance(extraction, dict):
        extraction["warnings"] = sorted({*extraction.get("warnings", []), CANONICAL_IGNORED})
    return record
