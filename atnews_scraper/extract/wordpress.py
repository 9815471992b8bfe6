"""WordPress core markup that any theme prints (body class `postid-N`, the hentry `.vcard .fn`,
`rel="tag"` / `rel="category tag"` links): evidence for pages that are not Sahifa, read straight
from the shared lxml tree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from atnews_scraper.extract.dates import parse_date
from atnews_scraper.extract.text import clean_line

_POST_ID_CLASS = re.compile(r"(?:^|\s)postid-(\d+)(?:\s|$)")
_POST_ID_ID = re.compile(r"^post-(\d+)$")
_FN_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' vcard ')]"
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' fn ')]"
)
_DATE_CLASSES = (
    "entry-date",
    "published",
    "post-date",
    "posted-on",
    "tie-date",
    "date",
    "article-date",
    "story-date",
    "meta-date",
    "td-post-date",
)
_DATE_XPATH = " | ".join(
    f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]" for c in _DATE_CLASSES
)
_UPDATED_XPATH = "//*[contains(concat(' ', normalize-space(@class), ' '), ' updated ')]"
_NOT_POST_DATE = frozenset({"today-date", "updated", "modified", "date-updated"})
_CHROME = frozenset({"header", "nav", "footer", "aside"})
_REL_XPATH = "//a[@rel][not(ancestor::*[self::nav or self::footer or self::aside])]"


@dataclass
class WordPressMarkup:
    post_id: int | None = None
    author: str | None = None
    date: str | None = None  # the post's printed date (or its datetime attribute), as found
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def read_wordpress(tree: HtmlElement) -> WordPressMarkup:
    found = WordPressMarkup(post_id=_post_id(tree), date=_printed_date(tree))
    for element in tree.xpath(_FN_XPATH)[:1]:
        found.author = clean_line(element.text_content()) or None
    for link in tree.xpath(_REL_XPATH):
        rels = (link.get("rel") or "").lower().split()
        text = clean_line(link.text_content())
        if not text:
            continue
        if "tag" in rels and "category" not in rels and text not in found.tags:
            found.tags.append(text)
        elif "category" in rels and text not in found.categories:
            found.categories.append(text)
    return found


def _printed_date(tree: HtmlElement) -> str | None:
    """The first post date a theme prints (`.entry-date`, `.published`, `.posted-on`, `.date`
    ...), outside headers, navigation, footers and sidebars (where "today's date" and other
    posts' dates are); else the hAtom `.updated` date (many themes print the post date there)."""
    return _first_date_text(tree, _DATE_XPATH, _NOT_POST_DATE) or _first_date_text(
        tree, _UPDATED_XPATH, frozenset()
    )


def _first_date_text(tree: HtmlElement, xpath: str, not_classes: frozenset[str]) -> str | None:
    for element in tree.xpath(xpath):
        classes = set((element.get("class") or "").lower().split())
        if classes & not_classes or any(a.tag in _CHROME for a in element.iterancestors()):
            continue
        inner = element.find(".//time[@datetime]")
        values = (
            element.get("datetime"),
            inner.get("datetime") if inner is not None else None,
            element.get("title"),
            element.text_content(),
        )
        for value in values:
            text = clean_line(value or "")
            if text and parse_date(text) is not None:
                return text
    return None


def _post_id(tree: HtmlElement) -> int | None:
    body = tree.find("body")
    if body is not None:
        match = _POST_ID_CLASS.search(body.get("class") or "")
        if match:
            return int(match.group(1))
    for element in tree.xpath("//article[@id] | //div[@id]"):
        match = _POST_ID_ID.match(element.get("id") or "")
        if match:
            return int(match.group(1))
    return None
