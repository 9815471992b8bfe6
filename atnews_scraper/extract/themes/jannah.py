"""Jannah (TieLabs' successor to Sahifa): the likeliest redesign of the site.

Read from the theme's public templates: `article#the-post` holds `.entry-header` (categories
`.post-cat-wrap a.post-cat`, `h1.post-title`, `.single-post-meta` with `.meta-author a` and
`span.date`), `.featured-area figure.single-featured-image img` and `.entry-content` (the text,
then `.post-bottom-tags .tagcloud a`); after the article `.prev-next-post-nav`, `#related-posts`
(`.related-item .post-title a`) and `#check-also-box` (`.widget-single-post-item a.post-title`);
the breadcrumb is `nav#breadcrumb` with `em.delimiter`. Listings: `ul#posts-container li.post-item
h2.post-title a`, next page `li.the-next-page a` / `.pages-standard .last-page a`.
"""

from __future__ import annotations

from typing import ClassVar

from bs4 import Tag

from atnews_scraper.extract.text import clean_line
from atnews_scraper.extract.themes.base import (
    Category,
    ListingSelectors,
    MarkClasses,
    Theme,
    first_link,
    link_categories,
    link_texts,
    text_of,
    text_or_attr,
)
from atnews_scraper.record import CheckAlso, Link

_ANY = frozenset({"div", "p", "span", "section", "nav", "header", "figure", "li", "ul", "a"})
_ANY |= frozenset({"h1", "h2", "h3", "time", "em"})


class JannahTheme(Theme):
    name = "jannah"
    landmark_ids = frozenset({"the-post", "breadcrumb", "check-also-box", "related-posts"})
    landmark_classes = frozenset({"prev-next-post-nav"})
    mark_classes: ClassVar[MarkClasses] = {
        "entry-header": ("", _ANY),
        "entry-content": ("", frozenset({"div"})),
        "post-cat-wrap": ("entry-header", _ANY),
        "post-title": ("entry-header", frozenset({"h1"})),
        "single-post-meta": ("entry-header", _ANY),
        "meta-author": ("entry-header", _ANY),
        "date": ("entry-header", frozenset({"span", "time"})),
        "single-featured-image": ("", _ANY),
        "post-bottom-tags": ("entry-content", _ANY),
        "widget-single-post-item": ("check-also-box", _ANY),
        "prev-post": ("", _ANY),
        "next-post": ("", _ANY),
    }
    box_classes = frozenset({"entry-header", "entry-content"})
    body_mark = "entry-content"
    lead_image_mark = "single-featured-image"
    skip_ids = frozenset(
        {"related-posts", "check-also-box", "jp-relatedposts", "share-buttons-top"}
    )
    skip_classes = frozenset(
        {"post-bottom-meta", "share-buttons", "share-links", "wp-caption-text", "page-link"}
        | {"post-edit-link", "edit-link", "sharedaddy", "yarpp-related", "jp-relatedposts"}
        | {"about-author", "story-highlights", "multiple-post-pages", "post-bottom-source"}
    )
    listing = ListingSelectors(
        article_links=("#posts-container .post-item .post-title a::attr(href)",),
        next_page=(
            ".pages-nav li.the-next-page a::attr(href)",
            ".pages-nav .last-page a::attr(href)",
        ),
    )

    @classmethod
    def accepts(cls, landmarks: dict[str, Tag]) -> bool:
        return "entry-header" in landmarks and super().accepts(landmarks)

    def title(self) -> str | None:
        return text_of(self.landmarks.get("post-title"))

    def wp_author(self) -> str | None:
        return text_of(self.landmarks.get("meta-author"))

    def dates(self) -> list[str | None]:
        return [text_or_attr(self.landmarks.get("date"))]

    def categories(self) -> list[Category]:
        wrap = self.landmarks.get("post-cat-wrap")
        return link_categories(wrap.find_all("a")) if wrap is not None else []

    def category_links(self) -> list[Category]:
        crumbs = self.landmarks.get("breadcrumb")
        return link_categories(crumbs.find_all("a")) if crumbs is not None else []

    def tags(self) -> list[str]:
        box = self.landmarks.get("post-bottom-tags")
        return link_texts(box.find_all("a", rel="tag")) if box is not None else []

    def breadcrumbs(self) -> list[str]:
        crumbs = self.landmarks.get("breadcrumb")
        if crumbs is None:
            return []
        parts = (c for c in crumbs.children if isinstance(c, Tag) and c.name != "em")
        return [t for t in (clean_line(c.get_text()) for c in parts) if t]

    def check_also(self) -> CheckAlso | None:
        """Jannah's box has the post's title link and date, no excerpt."""
        item = self.landmarks.get("widget-single-post-item")
        link = item.find("a", class_="post-title") if item is not None else None
        href = link.get("href") if link is not None else None
        if link is None or not isinstance(href, str):
            return None
        return {"title": clean_line(link.get_text()), "url": href, "excerpt": None}

    def related(self) -> list[Link]:
        links = self.related_in_body()
        box = self.landmarks.get("related-posts")
        for item in box.find_all(class_="related-item") if box is not None else []:
            heading = item.find(class_="post-title")
            found = first_link(heading) if heading is not None and heading.name != "a" else None
            if found is not None and found[0]:
                links.append({"title": found[0], "url": found[1]})
        return links

    def previous(self) -> Link | None:
        return self._neighbour("prev-post")

    def next(self) -> Link | None:
        return self._neighbour("next-post")

    def _neighbour(self, class_name: str) -> Link | None:
        box = self.landmarks.get(class_name)
        heading = box.find(class_="post-title") if box is not None else None
        link = heading.find_parent("a") if heading is not None else None
        href = link.get("href") if link is not None else None
        if heading is None or not isinstance(href, str):
            return None
        title = clean_line(heading.get_text())
        return {"title": title, "url": href} if title else None
