"""The Sahifa 5.x theme (TieLabs), as Afghanistan Times prints an article.

One short method per field over a few shared helpers; the landmarks of the page are found in one
walk of the tree when the page is loaded, and each method then reads only its own small subtree.
Markup: ../shared/site-notes.md. Field rules: docs/record-conventions.md.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from functools import cached_property

from bs4 import BeautifulSoup, Tag
from lxml import etree
from lxml.html import HtmlElement, fromstring

from atnews_scraper.extract.blocks import Blocks, read_blocks
from atnews_scraper.extract.document import Page
from atnews_scraper.extract.text import clean_line, strip_ellipsis
from atnews_scraper.record import CheckAlso, Image, Link

# Landmarks by id and by class: found in a single pass over the tree.
_IDS = frozenset({"the-post", "crumbs", "check-also-box", "related_posts"})
_CLASSES = frozenset({"post-tag", "post-navigation", "post-inner"})
_ANY = frozenset({"div", "p", "span", "section", "strong", "h1", "h2", "h3", "time", "abbr", "a"})
# Classes the field methods look up: the box each must be in ("" = the post outside its body),
# and the elements it may be on.
_MARK_CLASSES: dict[str, tuple[str, frozenset[str]]] = {
    "post-inner": ("", _ANY),
    "post-tag": ("", _ANY),
    "post-navigation": ("", _ANY),
    "entry": ("", frozenset({"div"})),
    "post-title": ("", frozenset({"h1", "h2"})),
    "post-meta": ("", frozenset({"p", "div"})),
    "post-meta-author": ("", _ANY),
    "post-cats": ("", _ANY),
    "tie-date": ("", frozenset({"span", "time"})),
    "updated": ("", frozenset({"span", "time", "abbr"})),
    "fn": ("", _ANY),
    "single-post-thumb": ("", _ANY),
    "check-also-post": ("check-also-box", _ANY),
    "post-previous": ("post-navigation", _ANY),
    "post-next": ("post-navigation", _ANY),
}
# Classes that open a box of their own: what is inside them is not the post's.
_BOX_CLASSES = frozenset({"entry", "post-tag", "post-navigation"})
_CRUMB_DELIMITER = re.compile(r"\s[/»›>|]\s")
# Inside the body, never article text.
_SKIP_IDS = frozenset(
    {
        "related_posts",
        "author-box",
        "check-also-box",
        "jp-relatedposts",
        "jp-post-flair",
        "comments",
        "respond",
        "post-extra-info",
    }
)
_SKIP_CLASSES = frozenset(
    {
        "share-post",
        "page-link",
        "edit-link",
        "wp-caption-text",
        "post-tag",
        "post-navigation",
        "sharedaddy",
        "jp-relatedposts",
        "yarpp-related",
        "addtoany_share_save_container",
        "related-posts",
        "post-meta",
        "tie-authors-box",
        "author-box",
        "check-also-box",
        "social-icons",
        "mashsb-container",
        "heateor_sss_sharing_container",
    }
)
_AD_CLASS = re.compile(r"^e3lan")
_LABEL = re.compile(r"^\s*(?:Previous|Next)(?:\s+(?:post|article))?\s*[:»«]?\s*", re.IGNORECASE)


def skip_in_body(tag: Tag) -> bool:
    """Blocks inside `.entry` that are not article text: widgets, ads, related posts."""
    tag_id = tag.get("id")
    if isinstance(tag_id, str) and tag_id in _SKIP_IDS:
        return True
    classes = tag.get("class")
    if not classes:
        return False
    return any(c in _SKIP_CLASSES or _AD_CLASS.match(c) for c in classes)


class SahifaPage:
    """The fields of one Sahifa article page; `find` returns None on other markup."""

    def __init__(self, soup: BeautifulSoup, marks: dict[str, Tag]) -> None:
        self.soup = soup
        self.marks = marks  # first element of each landmark id / class, see _MARK_CLASSES

    @classmethod
    def find(cls, page: Page) -> SahifaPage | None:
        """The theme's fields of a page, or None when it is not Sahifa markup. Only the
        landmark subtrees go to BeautifulSoup (the rest of the page is menus and sidebars),
        unless the page nests too deep for lxml, when BeautifulSoup reads all of it."""
        soup = BeautifulSoup(page.html, "lxml") if page.too_deep else _landmark_soup(page.tree)
        if soup is None:
            return None
        marks = _marks(soup)
        post = marks.get("the-post") or marks.get("post-inner")
        if post is None or "entry" not in marks:
            return None
        marks.setdefault("the-post", post)
        return cls(soup, marks)

    @cached_property
    def post(self) -> Tag:
        return self.marks["the-post"]

    @cached_property
    def blocks(self) -> Blocks:
        return read_blocks(self.marks["entry"], skip_in_body)

    def title(self) -> str | None:
        return _text(self.post.find("h1") or self.marks.get("post-title"))

    def paragraphs(self) -> list[str]:
        return self.blocks.paragraphs

    def image_tags(self) -> list[Tag]:
        return self.blocks.images

    def wp_author(self) -> str | None:
        author = self.marks.get("post-meta-author")
        link = author.find("a") if author is not None else None
        return _text(link) or _text(self.marks.get("fn"))

    def updated_date(self) -> str | None:
        return _text_or_attr(self.marks.get("updated"))

    def tie_date(self) -> str | None:
        return _text_or_attr(self.marks.get("tie-date"))

    def categories(self) -> list[str]:
        cats = self.marks.get("post-cats")
        return _link_texts(cats.find_all("a")) if cats is not None else []

    def tags(self) -> list[str]:
        box = self.marks.get("post-tag")
        if box is None:
            return []
        return _link_texts(a for a in box.find_all("a") if "tag" in (a.get("rel") or []))

    def breadcrumbs(self) -> list[str]:
        crumbs = self.marks.get("crumbs")
        if crumbs is None:
            return []
        names: list[str] = []
        for node in crumbs.children:
            if isinstance(node, Tag):
                if "delimiter" in (node.get("class") or []):
                    continue
                parts = [clean_line(node.get_text())]
            else:
                parts = _CRUMB_DELIMITER.split(clean_line(str(node)))
            names += [p for p in (part.strip(" /»›>|") for part in parts) if p]
        return names

    def check_also(self) -> CheckAlso | None:
        post = self.marks.get("check-also-post")
        if post is None:
            return None
        heading = post.find(("h2", "h3"))
        link = heading.find("a") if heading is not None else None
        href = link.get("href") if link is not None else None
        if heading is None or not isinstance(href, str):
            return None
        excerpt = post.find("p")
        excerpt_text = strip_ellipsis(clean_line(excerpt.get_text())) if excerpt else ""
        return {
            "title": clean_line(heading.get_text()),
            "url": href,
            "excerpt": excerpt_text or None,
        }

    def related(self) -> list[Link]:
        box = self.marks.get("related_posts")
        if box is None:
            return []
        links: list[Link] = []
        for item in box.find_all(class_="related-item"):
            heading = item.find("h3")
            link = heading.find("a") if heading is not None else None
            if link is not None and isinstance(link.get("href"), str):
                links.append({"title": clean_line(link.get_text()), "url": str(link["href"])})
        return links

    def previous(self) -> Link | None:
        return self._neighbour("post-previous")

    def next(self) -> Link | None:
        return self._neighbour("post-next")

    def lead_image(self) -> Image | None:
        thumb = self.marks.get("single-post-thumb")
        img = thumb.find("img") if thumb is not None else None
        src = image_source(img) if img is not None else None
        if img is None or src is None:
            return None
        alt = img.get("alt")
        return {"url": src, "alt": clean_line(alt) or None if isinstance(alt, str) else None}

    def post_id(self) -> int | None:
        for tag, prefix in ((self.soup.body, "postid-"), (self.post, "post-")):
            for cls in (tag.get("class") or []) if tag is not None else []:
                if cls.startswith(prefix) and cls[len(prefix) :].isdigit():
                    return int(cls[len(prefix) :])
        return None

    def _neighbour(self, class_name: str) -> Link | None:
        box = self.marks.get(class_name)
        link = box.find("a") if box is not None else None
        if link is None or not isinstance(link.get("href"), str):
            return None
        title = _LABEL.sub("", clean_line(link.get_text()))
        return {"title": title, "url": str(link["href"])} if title else None


def image_source(img: Tag) -> str | None:
    """The real image URL: a lazy-load attribute before a placeholder `src`."""
    for attr in ("data-src", "data-lazy-src", "data-original", "src"):
        value = img.get(attr)
        if isinstance(value, str) and value.strip() and not value.startswith("data:"):
            return value.strip()
    return None


def is_decoration(img: Tag) -> bool:
    """Emoji images WordPress swaps in for characters, and 1x1 tracking pixels: not pictures."""
    classes: list[str] = list(img.get("class") or [])
    if "emoji" in classes or "wp-smiley" in classes:
        return True
    return img.get("width") in ("0", "1") and img.get("height") in ("0", "1")


def _landmark_soup(tree: HtmlElement) -> BeautifulSoup | None:
    """The page's landmarks (outermost first, in document order) re-read by BeautifulSoup."""
    found = [e for e in tree.iter(etree.Element) if _is_landmark(e)]
    if not any(_is_post(e) for e in found):
        return None
    chosen = set(found)
    outer = [e for e in found if not any(a in chosen for a in e.iterancestors())]
    parts = "".join(
        etree.tostring(e, encoding="unicode", method="html", with_tail=False) for e in outer
    )
    body = tree.find("body")
    body_class = html.escape(body.get("class", ""), quote=True) if body is not None else ""
    return BeautifulSoup(f'<html><body class="{body_class}">{parts}</body></html>', "lxml")


def post_tree(tree: HtmlElement) -> HtmlElement:
    """A page of its own holding only the article element (for a generic reading of the post
    when the theme's body is empty: sidebars and footers stay out of it)."""
    post = next((e for e in tree.iter(etree.Element) if _is_post(e)), None)
    if post is None:
        return tree
    page = fromstring("<html><body></body></html>")
    page.find("body").append(copy.deepcopy(post))
    return page


def _is_landmark(element: HtmlElement) -> bool:
    if element.get("id") in _IDS:
        return True
    classes = element.get("class")
    return bool(classes) and not _CLASSES.isdisjoint(classes.split())


def _is_post(element: HtmlElement) -> bool:
    return element.get("id") == "the-post" or "post-inner" in (element.get("class") or "").split()


def _marks(soup: BeautifulSoup) -> dict[str, Tag]:
    """The first element of each landmark id and class, in one walk of the (small) tree. A class
    counts only inside the box it belongs to (a related item's date is not the article's)."""
    found: dict[str, Tag] = {}
    stack: list[tuple[Tag, str]] = [(soup.body or soup, "")]
    while stack:
        tag, box = stack.pop()
        tag_id = tag.get("id")
        if isinstance(tag_id, str) and tag_id in _IDS:
            found.setdefault(tag_id, tag)
            box = tag_id if tag_id != "the-post" else box
        for cls in tag.get("class") or ():
            owner = _MARK_CLASSES.get(cls)
            if owner is not None and owner[0] == box and tag.name in owner[1]:
                found.setdefault(cls, tag)
                if cls in _BOX_CLASSES:
                    box = cls
        stack.extend((child, box) for child in reversed(tag.contents) if isinstance(child, Tag))
    return found


def _text(tag: Tag | None) -> str | None:
    return clean_line(tag.get_text()) or None if tag is not None else None


def _text_or_attr(tag: Tag | None) -> str | None:
    if tag is None:
        return None
    value = tag.get("datetime") or tag.get("content") or tag.get_text()
    return clean_line(str(value)) or None


def _link_texts(links: Iterable[Tag]) -> list[str]:
    names: list[str] = []
    for link in links:
        text = clean_line(link.get_text())
        if text and text not in names:
            names.append(text)
    return names
