"""Safe XML parsing for sitemaps and feeds: no entity expansion, no network, no huge trees."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

from lxml import etree

from atnews_scraper.extract.dates import plausible
from atnews_scraper.timestamps import parse_iso

# Sitemaps may be up to 50 MB uncompressed (sitemaps.org); anything bigger is refused unread.
MAX_XML_BYTES = 50 * 1024 * 1024


class NotXml(ValueError):
    """The body is not a well-formed, reasonably sized XML document."""


def _parser_options() -> dict[str, bool]:
    return {
        "resolve_entities": False,
        "huge_tree": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def _check_size(body: bytes, max_bytes: int) -> None:
    if len(body) > max_bytes:
        raise NotXml(f"{len(body)} bytes, over the {max_bytes} byte limit")
    if not body.lstrip()[:1] == b"<":
        raise NotXml("does not start with '<'")


def parse_xml(body: bytes, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """The root element of an XML document, parsed without expanding entities (XML bombs)."""
    _check_size(body, max_bytes)
    parser = etree.XMLParser(**_parser_options())
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise NotXml(str(exc).splitlines()[0]) from exc
    if root is None:
        raise NotXml("empty document")
    return root


def iter_elements(body: bytes, max_bytes: int = MAX_XML_BYTES) -> Iterator[etree._Element]:
    """The root element (as soon as it starts), then each child of it, whole, parsed as it comes
    and freed once the caller moves on: memory stays flat however many children there are.
    Same safety as ``parse_xml``; raises NotXml where the document turns out to be broken."""
    _check_size(body, max_bytes)
    events = etree.iterparse(io.BytesIO(body), events=("start", "end"), **_parser_options())
    root: etree._Element | None = None
    depth = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if root is None:
                    root = element
                    yield root
                continue
            depth -= 1
            if depth == 1 and root is not None:
                yield element
                element.clear()
                while element.getprevious() is not None:  # the children already read
                    del root[0]
    except etree.XMLSyntaxError as exc:
        raise NotXml(str(exc).splitlines()[0]) from exc
    if root is None:
        raise NotXml("empty document")


def local_name(element: etree._Element) -> str:
    """The tag without its namespace. Not etree.QName: it raises on odd names a non-namespaced
    document may hold ("url2024:05set")."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def child_text(element: etree._Element, name: str) -> str | None:
    """Text of the first child with this local name (any namespace), stripped; None if absent."""
    for child in element:
        if local_name(child) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def parse_w3c_datetime(value: str | None) -> dt.datetime | None:
    """A tz-aware UTC datetime from a sitemap ``lastmod`` (W3C datetime); None when unparseable.

    A date without time is taken as midnight UTC; a time without offset as UTC. A year outside
    the plausible ones (extract.dates.plausible) gives None too.
    """
    if not value:
        return None
    try:
        parsed = parse_iso(value.strip(), dt.UTC)
    except ValueError:
        return None
    if not plausible(parsed):  # year 9999 or 0001: no real date, and may not convert to UTC
        return None
    return parsed.astimezone(dt.UTC)
