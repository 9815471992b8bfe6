"""WordPress core markup that any theme prints (body class `postid-N`, the hentry `.vcard .fn`,
`rel="tag"` / `rel="category tag"` links): evidence for pages that are not Sahifa, read straight
from the shared lxml tree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from atnews_scraper.extract.text import clean_line

_POST_ID_CLASS = re.compile(r"(?:^|\s)postid-(\d+)(?:\s|$)")
_POST_ID_ID = re.compile(r"^post-(\d+)$")
_FN_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' vcard ')]"
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' fn ')]"
)
_REL_XPATH = "//a[@rel][not(ancestor::*[self::nav or self::footer or self::aside])]"


@dataclass
class WordPressMarkup:
    post_id: int | None = None
    author: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def read_wordpress(tree: HtmlElement) -> WordPressMarkup:
    found = WordPressMarkup(post_id=_post_id(tree))
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
