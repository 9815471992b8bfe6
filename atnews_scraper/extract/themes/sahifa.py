"""The Sahifa 5.x theme (TieLabs), as Afghanistan Times prints an article.

Markup: docs/site-notes.md. Field rules: docs/record-conventions.md.
"""

from __future__ import annotations

import re
from typing import ClassVar

from bs4 import Tag

from atnews_scraper.extract.text import clean_line, strip_ellipsis
from atnews_scraper.extract.themes.base import (
    Category,
    ListingSelectors,
    MarkClasses,
    Theme,
    link_categories,
    link_texts,
    text_of,
    text_or_attr,
)
from atnews_scraper.record import CheckAlso, Link

_ANY = frozenset({"div", "p", "span", "section", "strong", "h1", "h2", "h3", "time", "abbr", "a"})
_CRUMB_DELIMITER = re.compile(r"\s[/»›>|]\s")
_LABEL = re.compile(r"^\s*(?:Previous|Next)(?:\s+(?:post|article))?\s*[:»«]?\s*", re.IGNORECASE)


class SahifaTheme(Theme):
    name = "sahifa"
    landmark_ids = frozenset({"the-post", "crumbs", "check-also-box", "related_posts"})
    landmark_classes = frozenset({"post-tag", "post-navigation", "post-inner"})
    post_class = "post-inner"
    lead_image_mark = "single-post-thumb"
    mark_classes: ClassVar[MarkClasses] = {
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
    box_classes = frozenset({"entry", "post-tag", "post-navigation"})
    body_mark = "entry"
    skip_ids = frozenset(
        {"related_posts", "author-box", "check-also-box", "jp-relatedposts", "jp-post-flair"}
        | {"comments", "respond", "post-extra-info"}
    )
    skip_classes = frozenset(
        {"share-post", "page-link", "edit-link", "wp-caption-text", "post-tag", "post-navigation"}
        | {"sharedaddy", "jp-relatedposts", "yarpp-related", "addtoany_share_save_container"}
        | {"related-posts", "post-meta", "tie-authors-box", "author-box", "check-also-box"}
        | {"social-icons", "mashsb-container", "heateor_sss_sharing_container"}
    )
    listing = ListingSelectors(
        article_links=(
            "article.item-list .post-box-title a::attr(href)",
            ".post-listing .post-box-title a::attr(href)",
        ),
        next_page=("#tie-next-page a::attr(href)",),
    )

    @classmethod
    def accepts(cls, landmarks: dict[str, Tag]) -> bool:
        # `.post-inner` sets Sahifa apart from Jannah, whose body is also `div.entry`.
        return "post-inner" in landmarks and super().accepts(landmarks)

    def title(self) -> str | None:
        return text_of(self.post.find("h1") or self.landmarks.get("post-title"))

    def wp_author(self) -> str | None:
        author = self.landmarks.get("post-meta-author")
        link = author.find("a") if author is not None else None
        return text_of(link) or text_of(self.landmarks.get("fn"))

    def dates(self) -> list[str | None]:
        return [
            text_or_attr(self.landmarks.get("updated")),
            text_or_attr(self.landmarks.get("tie-date")),
        ]

    def categories(self) -> list[Category]:
        cats = self.landmarks.get("post-cats")
        return link_categories(cats.find_all("a")) if cats is not None else []

    def category_links(self) -> list[Category]:
        crumbs = self.landmarks.get("crumbs")
        return link_categories(crumbs.find_all("a")) if crumbs is not None else []

    def tags(self) -> list[str]:
        box = self.landmarks.get("post-tag")
        if box is None:
            return []
        return link_texts(a for a in box.find_all("a") if "tag" in (a.get("rel") or []))

    def breadcrumbs(self) -> list[str]:
        crumbs = self.landmarks.get("crumbs")
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
        post = self.landmarks.get("check-also-post")
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
        links = self.related_in_body()
        box = self.landmarks.get("related_posts")
        for item in box.find_all(class_="related-item") if box is not None else []:
            heading = item.find("h3")
            link = heading.find("a") if heading is not None else None
            if link is not None and isinstance(link.get("href"), str):
                links.append({"title": clean_line(link.get_text()), "url": str(link["href"])})
        return links

    def previous(self) -> Link | None:
        return self._neighbour("post-previous")

    def next(self) -> Link | None:
        return self._neighbour("post-next")

    def _neighbour(self, class_name: str) -> Link | None:
        box = self.landmarks.get(class_name)
        link = box.find("a") if box is not None else None
        if link is None or not isinstance(link.get("href"), str):
            return None
        title = _LABEL.sub("", clean_line(link.get_text()))
        return {"title": title, "url": str(link["href"])} if title else None
