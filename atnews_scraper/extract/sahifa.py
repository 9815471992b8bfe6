"""The Sahifa 5.x theme (TieLabs), as Afghanistan Times prints an article.

One short method per field over a few shared helpers; the landmarks of the page are found in one
walk of the tree when the page is loaded, and each method then reads only its own small subtree.
Markup: ../shared/site-notes.md. Field rules: docs/record-conventions.md.
"""

from __future__ import annotations

import html
import re
from functools import cached_property

from bs4 import BeautifulSoup, Tag
from lxml import etree
from lxml.html import HtmlElement

from atnews_scraper.extract.blocks import Blocks, read_blocks
from atnews_scraper.extract.document import Page
from atnews_scraper.extract.text import clean_line, strip_ellipsis
from atnews_scraper.record import CheckAlso, Image, Link

# Landmarks by id and by class: found in a single pass over the tree.
_IDS = frozenset({"the-post", "crumbs", "author-box", "check-also-box", "related_posts"})
_CLASSES = frozenset({"post-tag", "post-navigation", "post-inner"})
_LANDMARK_XPATH = "|".join(
    [f"//*[@id='{i}']" for i in sorted(_IDS)]
    + [
        f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]"
        for c in sorted(_CLASSES)
    ]
)
# Inside the body, never article text.
_SKIP_IDS = frozenset(
    {"related_posts", "author-box", "check-also-box", "jp-relatedposts", "comments", "respond"}
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

    def __init__(self, soup: BeautifulSoup, landmarks: dict[str, Tag]) -> None:
        self.soup = soup
        self.marks = landmarks

    @classmethod
    def find(cls, page: Page) -> SahifaPage | None:
        """The theme's fields of a page, or None when it is not Sahifa markup. Only the
        landmark subtrees go to BeautifulSoup (the rest of the page is menus and sidebars),
        unless the page nests too deep for lxml, when BeautifulSoup reads all of it."""
        soup = BeautifulSoup(page.html, "lxml") if page.too_deep else _landmark_soup(page.tree)
        if soup is None:
            return None
        landmarks = _landmarks(soup)
        post = landmarks.get("the-post") or landmarks.get("post-inner")
        if post is None or _entry(post) is None:
            return None
        landmarks.setdefault("the-post", post)
        return cls(soup, landmarks)

    # -- shared subtrees -----------------------------------------------------------------

    @cached_property
    def post(self) -> Tag:
        return self.marks["the-post"]

    @cached_property
    def entry(self) -> Tag:
        entry = _entry(self.post)
        assert entry is not None  # checked by find()
        return entry

    @cached_property
    def post_meta(self) -> Tag | None:
        return _first(self.post, "post-meta", limit_to=("p", "div"))

    @cached_property
    def blocks(self) -> Blocks:
        return read_blocks(self.entry, skip_in_body)

    # -- fields --------------------------------------------------------------------------

    def title(self) -> str | None:
        h1 = self.post.find("h1")
        if h1 is None:
            h1 = _first(self.post, "post-title", limit_to=("h1", "h2"))
        return clean_line(h1.get_text()) or None if h1 is not None else None

    def paragraphs(self) -> list[str]:
        return self.blocks.paragraphs

    def image_tags(self) -> list[Tag]:
        return self.blocks.images

    def wp_author(self) -> str | None:
        if self.post_meta is not None:
            author = _first(self.post_meta, "post-meta-author")
            link = author.find("a") if author is not None else None
            if link is not None:
                return clean_line(link.get_text()) or None
        vcard = _first(self.post, "vcard")
        fn = _first(vcard, "fn") if vcard is not None else None
        return clean_line(fn.get_text()) or None if fn is not None else None

    def updated_date(self) -> str | None:
        updated = _first(self.post, "updated", limit_to=("span", "time", "abbr"))
        return _text_or_attr(updated)

    def tie_date(self) -> str | None:
        root = self.post_meta if self.post_meta is not None else self.post
        return _text_or_attr(_first(root, "tie-date", limit_to=("span", "time")))

    def categories(self) -> list[str]:
        if self.post_meta is None:
            return []
        cats = _first(self.post_meta, "post-cats")
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
                text = clean_line(node.get_text())
            else:
                text = clean_line(str(node))
            for part in (text,) if isinstance(node, Tag) else re.split(r"\s[/»›>|]\s", text):
                part = part.strip(" /»›>|")
                if part:
                    names.append(part)
        return names

    def check_also(self) -> CheckAlso | None:
        box = self.marks.get("check-also-box")
        post = _first(box, "check-also-post") if box is not None else None
        if post is None:
            return None
        heading = post.find(("h2", "h3"))
        link = heading.find("a") if heading is not None else post.find("a")
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
        thumb = _first(self.post, "single-post-thumb")
        img = thumb.find("img") if thumb is not None else None
        if img is None:
            return None
        src = image_source(img)
        if src is None:
            return None
        alt = img.get("alt")
        return {"url": src, "alt": clean_line(alt) or None if isinstance(alt, str) else None}

    def post_id(self) -> int | None:
        body = self.soup.body
        for tag, prefix in ((body, "postid-"), (self.post, "post-")):
            for cls in (tag.get("class") or []) if tag is not None else []:
                if cls.startswith(prefix) and cls[len(prefix) :].isdigit():
                    return int(cls[len(prefix) :])
        return None

    def _neighbour(self, class_name: str) -> Link | None:
        nav = self.marks.get("post-navigation")
        box = _first(nav, class_name) if nav is not None else None
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


def _landmark_soup(tree: HtmlElement) -> BeautifulSoup | None:
    """The page's landmarks (outermost first, in document order) re-read by BeautifulSoup."""
    found = tree.xpath(_LANDMARK_XPATH)
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


def _is_post(element: HtmlElement) -> bool:
    return element.get("id") == "the-post" or "post-inner" in (element.get("class") or "").split()


def _landmarks(soup: BeautifulSoup) -> dict[str, Tag]:
    found: dict[str, Tag] = {}
    root = soup.body or soup
    for tag in root.find_all(True):
        tag_id = tag.get("id")
        if tag_id in _IDS and tag_id not in found:
            found[str(tag_id)] = tag
        classes = tag.get("class")
        if classes:
            for cls in classes:
                if cls in _CLASSES and cls not in found:
                    found[cls] = tag
    return found


def _entry(post: Tag) -> Tag | None:
    return _first(post, "entry", limit_to=("div",))


def _first(root: Tag | None, class_name: str, limit_to: tuple[str, ...] = ()) -> Tag | None:
    if root is None:
        return None
    found = root.find(limit_to or True, class_=class_name)
    return found if isinstance(found, Tag) else None


def _text_or_attr(tag: Tag | None) -> str | None:
    if tag is None:
        return None
    value = tag.get("datetime") or tag.get("content") or tag.get_text()
    return clean_line(str(value)) or None


def _link_texts(links: object) -> list[str]:
    names: list[str] = []
    for link in links:  # type: ignore[attr-defined]
        text = clean_line(link.get_text())
        if text and text not in names:
            names.append(text)
    return names
