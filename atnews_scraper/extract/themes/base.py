"""What every theme plug-in shares: recognising a page by its landmarks, and the readers that are
WordPress's rather than one theme's (post classes, related-posts plugins, images).

A theme is a subclass of `Theme` that names its landmarks (ids and classes) in class tables and
reads each field in a short method. The landmarks are found in one walk of the shared lxml tree;
only their subtrees go to BeautifulSoup, and each field method reads its own small subtree.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, NamedTuple

from bs4 import BeautifulSoup, Tag
from lxml import etree
from lxml.html import HtmlElement, fromstring

from atnews_scraper.extract.blocks import Blocks, read_blocks
from atnews_scraper.extract.html_page import Page
from atnews_scraper.extract.text import clean_line
from atnews_scraper.extract.wordpress import category_slug, class_post_id
from atnews_scraper.record import CheckAlso, Image, Link

# Related-posts plugins print these inside the post's body (YARPP, Jetpack, plain "Related").
_PLUGIN_RELATED_IDS = frozenset({"jp-relatedposts"})
_PLUGIN_RELATED_CLASSES = frozenset({"yarpp-related", "jp-relatedposts", "related-posts"})
_RELATED_HEADING = re.compile(
    r"^(?:related|also read|read also|see also|read more)(?:\s+(?:posts?|articles?|stories|news))?"
    r"\s*:?$",
    re.IGNORECASE,
)
_HEADING_TAGS = ("p", "h2", "h3", "h4", "h5", "h6")
_HEADLINE_CLASSES = frozenset({"jp-relatedposts-headline", "yarpp-related-headline"})
_CATEGORY_CLASS = re.compile(r"^category-(?P<slug>[\w%-]+)$")
_AD_CLASS = re.compile(r"^(?:e3lan|stream-item)")


# Mark class -> (the box it must be in, "" = the post outside its body; the elements it may be on)
MarkClasses = dict[str, tuple[str, frozenset[str]]]


class Category(NamedTuple):
    name: str
    slug: str | None  # from the link's /category/<slug>/, None when the link has none


@dataclass(frozen=True)
class ListingSelectors:
    """Where a theme's listing pages (categories, tags, search, home) put what the crawl needs,
    as parsel CSS selectors ending in ::attr(href)."""

    article_links: tuple[str, ...]
    next_page: tuple[str, ...]


class Theme:
    """One theme's reading of an article page; `recognise` returns None on other markup."""

    name: ClassVar[str]  # the provenance label of every field it gives, and the record's method
    # Landmarks: ids, and classes whose subtrees the lxml walk copies out ...
    landmark_ids: ClassVar[frozenset[str]]
    landmark_classes: ClassVar[frozenset[str]]
    post_id_attr: ClassVar[str] = "the-post"  # the article element's id
    post_class: ClassVar[str | None] = None  # or a class on it / inside it
    # ... and the classes each field method looks up: the box each must be in ("" = the post
    # outside its body) and the elements it may be on. A box class opens a box of its own.
    mark_classes: ClassVar[MarkClasses]
    box_classes: ClassVar[frozenset[str]]
    body_mark: ClassVar[str]  # the mark holding the article text
    lead_image_mark: ClassVar[str | None] = None  # the mark holding the featured image
    # Inside the body, never article text.
    skip_ids: ClassVar[frozenset[str]]
    skip_classes: ClassVar[frozenset[str]]
    listing: ClassVar[ListingSelectors]

    def __init__(self, soup: BeautifulSoup, landmarks: dict[str, Tag]) -> None:
        self.soup = soup
        self.landmarks = landmarks  # first element of each landmark id / class

    @classmethod
    def recognise(cls, page: Page) -> Theme | None:
        """The theme's reading of a page, or None when the page is not in its markup. Unless the
        page nests too deep for lxml (then BeautifulSoup reads all of it), only the landmark
        subtrees go to BeautifulSoup: the rest of a page is menus and sidebars."""
        soup = BeautifulSoup(page.html, "lxml") if page.too_deep else cls._landmark_soup(page.tree)
        if soup is None:
            return None
        landmarks = cls._find_landmarks(soup)
        if not cls.accepts(landmarks):
            return None
        return cls(soup, landmarks)

    @classmethod
    def accepts(cls, landmarks: dict[str, Tag]) -> bool:
        """Whether the landmarks found make a page of this theme (sets the "post" mark)."""
        post = landmarks.get(cls.post_id_attr) or (landmarks.get(cls.post_class or ""))
        if post is None or cls.body_mark not in landmarks:
            return False
        landmarks.setdefault("post", post)
        return True

    # -- the field readers: a theme overrides those it can read ------------------------------

    def title(self) -> str | None:
        return None

    def paragraphs(self) -> list[str]:
        return self.blocks.paragraphs

    def image_tags(self) -> list[Tag]:
        return self.blocks.images

    def wp_author(self) -> str | None:
        return None

    def dates(self) -> list[str | None]:
        """Publication date texts, strongest first."""
        return []

    def categories(self) -> list[Category]:
        return []

    def category_links(self) -> list[Category]:
        """Category links elsewhere among the landmarks (the breadcrumb): names for slugs."""
        return []

    def category_slugs(self) -> list[str]:
        """Slugs of every category the post is in, from WordPress's post classes
        (`category-nation`): the theme may show only the first category's name."""
        slugs: list[str] = []
        for cls in self.post.get("class") or ():
            match = _CATEGORY_CLASS.match(cls)
            if match and match.group("slug") not in slugs:
                slugs.append(match.group("slug"))
        return slugs

    def tags(self) -> list[str]:
        return []

    def breadcrumbs(self) -> list[str]:
        return []

    def check_also(self) -> CheckAlso | None:
        return None

    def related(self) -> list[Link]:
        """Related-posts plugins inside the body, in page order; a theme adds its own box."""
        return self.related_in_body()

    def previous(self) -> Link | None:
        return None

    def next(self) -> Link | None:
        return None

    def lead_image(self) -> Image | None:
        box = self.landmarks.get(self.lead_image_mark) if self.lead_image_mark else None
        img = box.find("img") if box is not None else None
        src = image_source(img) if img is not None else None
        if img is None or src is None:
            return None
        alt = img.get("alt")
        return {"url": src, "alt": clean_line(alt) or None if isinstance(alt, str) else None}

    def post_id(self) -> int | None:
        for tag, prefix in ((self.soup.body, "postid-"), (self.post, "post-")):
            found = class_post_id(tag.get("class") or [] if tag is not None else [], prefix)
            if found is not None:
                return found
        return None

    # -- shared helpers ------------------------------------------------------------------------

    @cached_property
    def post(self) -> Tag:
        return self.landmarks["post"]

    @cached_property
    def body_related(self) -> list[tuple[Tag, list[Tag]]]:
        """Related-posts blocks inside the body: (the block, the tags it hides from the text)."""
        body = self.landmarks[self.body_mark]
        found: list[tuple[Tag, list[Tag]]] = []
        inside: set[int] = set()  # the blocks found so far: what is in them is theirs
        for tag in body.find_all(_is_related_start):
            if any(id(parent) in inside for parent in tag.parents):
                continue
            if _is_plugin_related(tag):
                found.append((tag, [tag]))
                inside.add(id(tag))
                continue
            listing = tag.find_next_sibling()
            if isinstance(listing, Tag) and listing.name in ("ul", "ol"):
                found.append((listing, [tag, listing]))
                inside.add(id(listing))
        return found

    @cached_property
    def blocks(self) -> Blocks:
        hidden = {id(tag) for _, tags in self.body_related for tag in tags}
        return read_blocks(
            self.landmarks[self.body_mark], lambda tag: id(tag) in hidden or self.skip_in_body(tag)
        )

    def skip_in_body(self, tag: Tag) -> bool:
        """Blocks inside the body that are not article text: widgets, ads, related posts."""
        tag_id = tag.get("id")
        if isinstance(tag_id, str) and tag_id in self.skip_ids:
            return True
        classes = tag.get("class")
        if not classes:
            return False
        return any(c in self.skip_classes or _AD_CLASS.match(c) for c in classes)

    def related_in_body(self) -> list[Link]:
        links: list[Link] = []
        for box, _ in self.body_related:
            for link in box.find_all("a"):
                href = link.get("href")
                title = clean_line(link.get_text())
                in_headline = any(
                    not _HEADLINE_CLASSES.isdisjoint(p.get("class") or ()) for p in link.parents
                )
                if isinstance(href, str) and title and not in_headline:
                    links.append({"title": title, "url": href})
        return links

    @classmethod
    def post_tree(cls, tree: HtmlElement) -> HtmlElement:
        """A page of its own holding only the article element (for a generic reading of the
        post when the theme's body is empty: sidebars and footers stay out of it)."""
        post = next((e for e in tree.iter(etree.Element) if cls._is_post(e)), None)
        if post is None:
            return tree
        page = fromstring("<html><body></body></html>")
        page.find("body").append(copy.deepcopy(post))
        return page

    @classmethod
    def _landmark_soup(cls, tree: HtmlElement) -> BeautifulSoup | None:
        """The page's landmarks (outermost first, in document order) re-read by BeautifulSoup."""
        found = [e for e in tree.iter(etree.Element) if cls._is_landmark(e)]
        if not any(cls._is_post(e) for e in found):
            return None
        chosen = set(found)
        outer = [e for e in found if not any(a in chosen for a in e.iterancestors())]
        parts = "".join(
            etree.tostring(e, encoding="unicode", method="html", with_tail=False) for e in outer
        )
        body = tree.find("body")
        body_class = html.escape(body.get("class", ""), quote=True) if body is not None else ""
        return BeautifulSoup(f'<html><body class="{body_class}">{parts}</body></html>', "lxml")

    @classmethod
    def _is_landmark(cls, element: HtmlElement) -> bool:
        if element.get("id") in cls.landmark_ids:
            return True
        classes = element.get("class")
        return bool(classes) and not cls.landmark_classes.isdisjoint(classes.split())

    @classmethod
    def _is_post(cls, element: HtmlElement) -> bool:
        if element.get("id") == cls.post_id_attr:
            return True
        return cls.post_class is not None and cls.post_class in (element.get("class") or "").split()

    @classmethod
    def _find_landmarks(cls, soup: BeautifulSoup) -> dict[str, Tag]:
        """The first element of each landmark id and class, in one walk of the (small) tree. A
        class counts only inside the box it belongs to (a related item's date is not the
        article's)."""
        found: dict[str, Tag] = {}
        ids, mark_classes, box_classes = cls.landmark_ids, cls.mark_classes, cls.box_classes
        stack: list[tuple[Tag, str]] = [(soup.body or soup, "")]
        while stack:
            tag, box = stack.pop()
            tag_id = tag.get("id")
            if isinstance(tag_id, str) and tag_id in ids:
                found.setdefault(tag_id, tag)
                box = tag_id if tag_id != cls.post_id_attr else box
            for name in tag.get("class") or ():
                owner = mark_classes.get(name)
                if owner is not None and owner[0] == box and tag.name in owner[1]:
                    found.setdefault(name, tag)
                    if name in box_classes:
                        box = name
            stack.extend((child, box) for child in reversed(tag.contents) if isinstance(child, Tag))
        return found


def _is_plugin_related(tag: Tag) -> bool:
    tag_id = tag.get("id")
    if isinstance(tag_id, str) and tag_id in _PLUGIN_RELATED_IDS:
        return True
    return not _PLUGIN_RELATED_CLASSES.isdisjoint(tag.get("class") or ())


def _is_related_start(tag: Tag) -> bool:
    """A related-posts plugin's block, or a heading "Related posts:" (a list follows it)."""
    if _is_plugin_related(tag):
        return True
    if tag.name not in _HEADING_TAGS or len(tag.contents) > 3:
        return False
    text = tag.get_text()
    return len(text) < 40 and is_related_heading(clean_line(text))


def is_related_heading(text: str) -> bool:
    """ "Related posts:", "Also read" ...: the heading of a list of links to other posts."""
    return bool(_RELATED_HEADING.match(text))


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


def text_of(tag: Tag | None) -> str | None:
    return clean_line(tag.get_text()) or None if tag is not None else None


def text_or_attr(tag: Tag | None) -> str | None:
    if tag is None:
        return None
    value = tag.get("datetime") or tag.get("content") or tag.get_text()
    return clean_line(str(value)) or None


def link_categories(links: Iterable[Tag]) -> list[Category]:
    found: list[Category] = []
    for link in links:
        name = clean_line(link.get_text())
        href = link.get("href")
        if name and name not in (c.name for c in found):
            found.append(Category(name, category_slug(href if isinstance(href, str) else None)))
    return found


def link_texts(links: Iterable[Tag]) -> list[str]:
    names: list[str] = []
    for link in links:
        text = clean_line(link.get_text())
        if text and text not in names:
            names.append(text)
    return names


def first_link(box: Tag | None) -> tuple[str, str] | None:
    """(text, href) of the first link in a box that has an href."""
    link = box.find("a", href=True) if box is not None else None
    href = link.get("href") if link is not None else None
    return (
        (clean_line(link.get_text()), href) if link is not None and isinstance(href, str) else None
    )
