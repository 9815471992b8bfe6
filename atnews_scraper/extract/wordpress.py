"""WordPress core markup that any theme prints (body class `postid-N`, the hentry `.vcard .fn`,
`rel="tag"` / `rel="category tag"` links, the post's `category-<slug>` classes): evidence for
pages that no theme plug-in recognises, read straight from the shared lxml tree."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from atnews_scraper.extract.dates import parse_date
from atnews_scraper.extract.text import clean_line, strip_ellipsis

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
# The post's own element: WordPress's post_class() always prints "type-post" on it.
_POST_XPATH = "(//*[contains(concat(' ', normalize-space(@class), ' '), ' type-post ')])[1]"
# Related-posts plugins inside a post: YARPP, Jetpack, a "Related posts:" paragraph and list.
_RELATED_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' yarpp-related ')]//a[@href]"
    " | //*[@id='jp-relatedposts']//*[self::h4 or self::h3][not(contains(@class, 'headline'))]"
    "//a[@href]"
    " | //p[translate(normalize-space(.), 'RELATDOSP', 'relatdosp') = 'related posts:']"
    "/following-sibling::*[1][self::ul or self::ol]//a[@href]"
)
# Breadcrumb trails as themes and SEO plugins print them (Yoast `#breadcrumbs`, TieLabs `#crumbs`
# and `#breadcrumb`, `.breadcrumb(s)`, `nav[aria-label=breadcrumb]`).
_CRUMBS_XPATH = (
    "(//*[@id='breadcrumbs' or @id='breadcrumb' or @id='crumbs'"
    " or contains(concat(' ', normalize-space(@class), ' '), ' breadcrumbs ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' breadcrumb ')"
    " or translate(@aria-label, 'BREADCUMS', 'breadcums') = 'breadcrumb'])[1]"
)
# A "Check Also" box as TieLabs themes print it, found by its label: the first link with text after
# the label, inside the label's box, and the paragraph after that link.
_CHECK_ALSO_XPATH = (
    "//*[self::h2 or self::h3 or self::h4 or self::div or self::span or self::strong]"
    "[translate(normalize-space(text()), 'CHEKALSO', 'chekalso') = 'check also']"
)
_TEXT_LINK = "following::a[@href][normalize-space(.) != ''][not(starts-with(@href, '#'))][1]"
_CATEGORY_CLASS = re.compile(r"^category-([\w%-]+)$")
_CATEGORY_HREF = re.compile(r"/category/(?:[^/?#]+/)*(?P<slug>[^/?#]+)/?(?:[?#]|$)")


@dataclass
class WordPressMarkup:
    post_id: int | None = None
    author: str | None = None
    date: str | None = None  # the post's printed date (or its datetime attribute), as found
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    unnamed_category: bool = False  # a category named only by its slug (no link names it)
    related: list[tuple[str, str]] = field(default_factory=list)  # (title, href) in page order
    breadcrumbs: list[str] = field(default_factory=list)
    check_also: tuple[str, str, str | None] | None = None  # title, href, excerpt


def read_wordpress(tree: HtmlElement) -> WordPressMarkup:
    found = WordPressMarkup(post_id=_post_id(tree), date=_printed_date(tree))
    for element in tree.xpath(_FN_XPATH)[:1]:
        found.author = clean_line(element.text_content()) or None
    shown: set[str] = set()
    for link in tree.xpath(_REL_XPATH):
        rels = (link.get("rel") or "").lower().split()
        text = clean_line(link.text_content())
        if not text:
            continue
        if "tag" in rels and "category" not in rels and text not in found.tags:
            found.tags.append(text)
        elif "category" in rels and text not in found.categories:
            found.categories.append(text)
            shown.add(category_slug(link.get("href")) or "")
    _add_class_categories(tree, found, shown)
    found.breadcrumbs = _breadcrumbs(tree)
    found.check_also = _check_also(tree)
    for link in tree.xpath(_RELATED_XPATH):
        title = clean_line(link.text_content())
        if title:
            found.related.append((title, link.get("href")))
    return found


def _add_class_categories(tree: HtmlElement, found: WordPressMarkup, shown: set[str]) -> None:
    """Categories the post's classes name (`category-nation`) that no category link showed,
    named by any category link on the page, else kept as the slug."""
    posts = tree.xpath(_POST_XPATH)
    classes = (posts[0].get("class") or "").split() if posts else []
    slugs = [m.group(1) for m in map(_CATEGORY_CLASS.match, classes) if m]
    extra = [slug for slug in slugs if slug not in shown]
    if not extra:
        return
    names = page_category_names(tree)
    for slug in extra:
        name = names.get(slug)
        found.unnamed_category = found.unnamed_category or name is None
        if (name or slug) not in found.categories:
            found.categories.append(name or slug)


def _check_also(tree: HtmlElement) -> tuple[str, str, str | None] | None:
    for label in tree.xpath(_CHECK_ALSO_XPATH)[:1]:
        links = label.xpath(_TEXT_LINK)
        if not links:
            return None
        link = links[0]
        box = next(
            (a for a in list(label.iterancestors())[:4] if link in a.iterdescendants()), None
        )
        if box is None:
            return None
        paragraphs = [p for p in link.xpath("following::p[1]") if p in box.iterdescendants()]
        excerpt = strip_ellipsis(clean_line(paragraphs[0].text_content())) if paragraphs else ""
        return clean_line(link.text_content()), link.get("href"), excerpt or None
    return None


def _breadcrumbs(tree: HtmlElement) -> list[str]:
    """The trail's links, then the current page (`.current`, `[aria-current]`, or the last
    element without a link)."""
    trails = tree.xpath(_CRUMBS_XPATH)
    if not trails:
        return []
    names = [t for t in (clean_line(a.text_content()) for a in trails[0].iter("a")) if t]
    current = trails[0].xpath(
        ".//*[contains(concat(' ', normalize-space(@class), ' '), ' current ') or @aria-current]"
    )
    if current:
        name = clean_line(current[-1].text_content())
        if name and (not names or names[-1] != name):
            names.append(name)
    return names


def category_slug(href: str | None) -> str | None:
    """ "/category/nation/" -> "nation" (the last segment of a nested category path)."""
    match = _CATEGORY_HREF.search(href or "")
    return match.group("slug") if match else None


def page_category_names(tree: HtmlElement) -> dict[str, str]:
    """slug -> link text of every /category/<slug>/ link on the page, the first one seen."""
    names: dict[str, str] = {}
    for link in tree.iter("a"):
        slug = category_slug(link.get("href"))
        if slug and slug not in names:
            text = clean_line(link.text_content())
            if text:
                names[slug] = text
    return names


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


def class_post_id(classes: Iterable[str], prefix: str) -> int | None:
    """The post ID in a WordPress class or id token (``postid-123``, ``post-123``), else None."""
    for token in classes:
        if token.startswith(prefix):
            digits = token[len(prefix) :]
            if digits.isascii() and digits.isdigit():
                return int(digits)
    return None


def _post_id(tree: HtmlElement) -> int | None:
    body = tree.find("body")
    if body is not None:
        found = class_post_id((body.get("class") or "").split(), "postid-")
        if found is not None:
            return found
    for element in tree.xpath("//article[@id] | //div[@id]"):
        found = class_post_id([element.get("id") or ""], "post-")
        if found is not None:
            return found
    return None
