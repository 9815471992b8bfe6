"""Safe XML parsing for sitemaps and feeds: no entity expansion, no network, no huge trees."""

from __future__ import annotations

import datetime as dt

from lxml import etree

# Sitemaps may be up to 50 MB uncompressed (sitemaps.org); anything bigger is refused unread.
MAX_XML_BYTES = 50 * 1024 * 1024


class NotXml(ValueError):
    """The body is not a well-formed, reasonably sized XML document."""


def parse_xml(body: bytes, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """The root element of an XML document, parsed without expanding entities (XML bombs)."""
    if len(body) > max_bytes:
        raise NotXml(f"{len(body)} bytes, over the {max_bytes} byte limit")
    if not body.lstrip()[:1] == b"<":
        raise NotXml("does not start with '<'")
    parser = etree.XMLParser(
        resolve_entities=False,
        huge_tree=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise NotXml(str(exc).splitlines()[0]) from exc
    if root is None:
        raise NotXml("empty document")
    return root


def local_name(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def child_text(element: etree._Element, name: str) -> str | None:
    """Text of the first child with this local name (any namespace), stripped; None if absent."""
    for child in element:
        if local_name(child) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def parse_w3c_datetime(value: str | None) -> dt.datetime | None:
    """A tz-aware UTC datetime from a sitemap ``lastmod`` (W3C datetime); None when unparseable.

    A date without time is taken as midnight UTC; a time without offset as UTC.
    """
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+14:00 is before year 1 in UTC
        return None
