"""The article record: the one shape every part of atnews agrees on.

Extraction produces it (as JSON-ready values: ISO 8601 strings for dates), pipelines validate and
store it, analyst commands read it. README.md documents every field with an example.
"""

from __future__ import annotations

from typing import Literal, TypedDict

EXTRACTION_METHODS = ("sahifa", "jannah", "structured", "generic")
DatePrecision = Literal["datetime", "date"]


class Link(TypedDict):
    title: str
    url: str


class CheckAlso(TypedDict):
    title: str
    url: str
    excerpt: str | None


class Image(TypedDict):
    url: str
    alt: str | None


class Extraction(TypedDict):
    method: str  # one of EXTRACTION_METHODS
    sources: dict[str, str]  # field name -> where its value came from, e.g. "json-ld", "sahifa"
    warnings: list[str]
    version: str  # extractor version, bumped whenever output for a saved page changes


class ArticleRecord(TypedDict):
    url: str  # canonical URL on the primary host
    post_id: int | None
    title: str | None
    body: str  # paragraphs in order, joined by one blank line ("\n\n")
    byline: str | None  # agency credit as printed: "AT News", "AT Monitoring Desk"
    dateline: str | None  # place, normalised case: "Kabul"
    authors: list[str]  # people; empty when the only author is the "admin" account
    wp_author: str | None  # the WordPress account as shown, e.g. "admin"
    published_at: str | None  # ISO 8601 with offset, e.g. "2022-09-15T00:00:00+04:30"
    modified_at: str | None
    date_precision: DatePrecision | None
    categories: list[str]
    tags: list[str]
    breadcrumbs: list[str]
    check_also: CheckAlso | None
    related: list[Link]
    previous: Link | None
    next: Link | None
    lead_image: Image | None
    images: list[str]  # absolute URLs of images inside the body
    language: str | None  # ISO 639-1, e.g. "en"
    word_count: int
    content_hash: str  # sha256 hex of the normalised body
    extraction: Extraction


RECORD_FIELDS: tuple[str, ...] = tuple(ArticleRecord.__annotations__)
