"""extract_article: one page to one ArticleRecord, field by field in evidence order.

Evidence order per field: docs/record-conventions.md. Every field records where its value came
from (`extraction.sources`); anything missing or doubtful becomes a warning code.

Longer than 300 lines because it is one job, a rule per field, and the rules read one another's
results (the title before the body, the body before the people) through one `_Fields`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bs4 import Tag

from atnews_scraper.extract.credits import (
    is_house_account,
    looks_like_person,
    parse_by_line,
    split_credits,
)
from atnews_scraper.extract.dates import DateValue, parse_date
from atnews_scraper.extract.generic import (
    GenericPage,
    reconcile_with_article_body,
    split_blob,
    with_time_of_day,
    without_link_lines,
)
from atnews_scraper.extract.html_page import Page, load_page
from atnews_scraper.extract.language import detect_language
from atnews_scraper.extract.structured import Structured, read_structured
from atnews_scraper.extract.text import clean_line, content_hash, text_paragraphs, word_count
from atnews_scraper.extract.themes import Theme, recognise_theme
from atnews_scraper.extract.themes.base import (
    image_source,
    is_decoration,
    is_related_heading,
)
from atnews_scraper.extract.wordpress import WordPressMarkup, page_category_names, read_wordpress
from atnews_scraper.record import ArticleRecord, CheckAlso, Image, Link
from atnews_scraper.sequences import unique
from atnews_scraper.urls import UrlRules, shortlink_post_id

EXTRACTOR_VERSION = "1.1.0"

_SITE_SUFFIX = re.compile(r"\s+[-|–—:•·]\s+([^-|–—•·]{2,60})$")
_SEPARATOR = re.compile(r"^\s+[-|–—:•·/]\s")
# Page metadata that names the author or the publication time on news sites, strongest first.
_AUTHOR_META = (
    "byl",
    "parsely-author",
    "sailthru.author",
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
)
_DATE_META = (
    "datepublished",  # itemprop
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
)
_NAME_LIST = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
_SITE_NAMES = ("afghanistan times", "at news", "afghanistantimes")
_AD_URL = re.compile(r"/(?:ads?|banners?|e3lan)/|doubleclick|googlesyndication", re.IGNORECASE)


class _Fields:
    """Values with their sources: the first non-empty candidate of each field wins."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.sources: dict[str, str] = {}

    def fill(self, name: str, value: Any, source: str) -> bool:
        if name in self.values or value is None or value == [] or value == "":
            return False
        self.values[name] = value
        self.sources[name] = source
        return True

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


def extract_article(
    html: bytes | str,
    url: str | None = None,
    *,
    rules: UrlRules | None = None,
    content_type: str | None = None,
    category_names: Mapping[str, str] | None = None,
) -> ArticleRecord:
    """The record of one article page. Raises ExtractionError only for input that cannot be a
    page at all (empty, binary); anything else gives a record, with warnings when in doubt.

    `category_names` maps category slugs to display names the crawl has seen elsewhere
    (listings, breadcrumbs, feeds, menus): a category the page names only in its classes
    (`category-nation`) gets its name from it, else is stored as the slug."""
    page = load_page(html, content_type)
    return _extract(page, url, rules or UrlRules(), use_theme=True, names=category_names)


def extract_without_theme(
    html: bytes | str, url: str | None = None, *, rules: UrlRules | None = None
) -> ArticleRecord:
    """The record the generic path gives when the theme rules are switched off: what a redesign
    would get. For measuring the fallback (benchmarks/eval_extraction.py)."""
    return _extract(load_page(html), url, rules or UrlRules(), use_theme=False, names=None)


@dataclass
class _Evidence:
    """Every reader of one page; each is consulted only by the fields that need it."""

    page: Page
    data: Structured
    theme: Theme | None  # None: no theme plug-in recognised the page
    wordpress: WordPressMarkup | None  # WordPress core markup, read on non-theme pages only
    generic: GenericPage  # trafilatura, run lazily
    rules: UrlRules
    url: str | None  # as passed in
    base: str  # the record URL: base of relative links
    category_names: Mapping[str, str]  # slug -> display name, known from elsewhere


def _extract(
    page: Page,
    url: str | None,
    rules: UrlRules,
    use_theme: bool,
    names: Mapping[str, str] | None,
) -> ArticleRecord:
    data = read_structured(page.tree)
    theme = recognise_theme(page) if use_theme else None
    fields = _Fields()
    warnings = set(page.warnings)
    record_url = _url(fields, data, url, rules)
    evidence = _Evidence(
        page=page,
        data=data,
        theme=theme,
        wordpress=read_wordpress(page.tree) if theme is None else None,
        generic=GenericPage(page.tree, record_url or url),
        rules=rules,
        url=url,
        base=record_url,
        category_names=names or {},
    )
    if theme is not None:
        method = theme.name
    elif data.article_type:
        method = "structured"
    else:
        method = "generic"
    for read_field in (_title, _body, _people, _dates, _sections, _links, _images, _post_id):
        read_field(fields, evidence, warnings)

    body = fields.get("body", "")
    fields.fill("language", detect_language(body), "derived")
    fields.fill("language", _page_language(data), "meta")
    for name in ("word_count", "content_hash"):
        fields.sources[name] = "derived"
    if not fields.get("title"):
        warnings.add("no-title")
    if not body:
        warnings.add("empty-body")
    if not fields.get("published_at"):
        warnings.add("no-date")
    if not record_url:
        warnings.add("no-url")
    if evidence.generic.failed:
        warnings.add("trafilatura-failed")
    record: ArticleRecord = {
        "url": record_url,
        "post_id": fields.get("post_id"),
        "title": fields.get("title"),
        "body": body,
        "byline": fields.get("byline"),
        "dateline": fields.get("dateline"),
        "authors": fields.get("authors", []),
        "wp_author": fields.get("wp_author"),
        "published_at": fields.get("published_at"),
        "modified_at": fields.get("modified_at"),
        "date_precision": fields.get("date_precision"),
        "categories": fields.get("categories", []),
        "tags": fields.get("tags", []),
        "breadcrumbs": fields.get("breadcrumbs", []),
        "check_also": fields.get("check_also"),
        "related": fields.get("related", []),
        "previous": fields.get("previous"),
        "next": fields.get("next"),
        "lead_image": fields.get("lead_image"),
        "images": fields.get("images", []),
        "language": fields.get("language"),
        "word_count": word_count(body),
        "content_hash": content_hash(body),
        "extraction": {
            "method": method,
            "sources": dict(sorted(fields.sources.items())),
            "warnings": sorted(warnings),
            "version": EXTRACTOR_VERSION,
        },
    }
    return record


def _url(fields: _Fields, data: Structured, url: str | None, rules: UrlRules) -> str:
    for value, source in ((data.canonical, "meta"), (data.meta.get("og:url"), "og"), (url, "url")):
        canonical = web_url(rules, value, url)
        if canonical:
            fields.fill("url", canonical, source)
            return canonical
    if url and not url.startswith(("http://", "https://")):
        fields.fill("url", url, "url")  # a saved file's file:// URI: kept as given
        return url
    return ""


def web_url(rules: UrlRules, value: str | None, base: str | None) -> str | None:
    """The canonical absolute http(s) URL of a link, or None for what is not one (javascript:,
    mailto:, a malformed address)."""
    if not value or not value.strip():
        return None
    try:
        url = rules.canonical(value.strip(), base=base or None)
    except ValueError:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def _title(fields: _Fields, evidence: _Evidence, warnings: set[str]) -> None:
    data = evidence.data
    if evidence.theme is not None:
        fields.fill("title", evidence.theme.title(), evidence.theme.name)
    fields.fill("title", data.headline, "json-ld")
    site_name = data.meta.get("og:site_name")
    headings = _headings(evidence) if evidence.theme is None else []
    og_title = _displayed(data.meta.get("og:title"), headings)
    fields.fill("title", strip_site_suffix(og_title, site_name), "og")
    if evidence.theme is None:
        title = strip_site_suffix(evidence.generic.result.title, site_name)
        fields.fill("title", title, "trafilatura")
    title_tag = _displayed(data.title_tag, headings)
    fields.fill("title", strip_site_suffix(title_tag, site_name), "meta")


def _headings(evidence: _Evidence) -> list[str]:
    return [t for t in (clean_line(h.text_content()) for h in evidence.page.tree.iter("h1")) if t][
        :5
    ]


def _displayed(title: str | None, headings: list[str]) -> str | None:
    """ "Floods hit | DW | 10.06.2013" -> "Floods hit" when the page's <h1> says just that."""
    if not title:
        return title
    for heading in headings:
        rest = title[len(heading) :]
        if len(heading) >= 8 and title.startswith(heading) and _SEPARATOR.match(rest):
            return heading
    return title


def strip_site_suffix(title: str | None, site_name: str | None = None) -> str | None:
    """ "Title - Afghanistan Times" -> "Title" (also " | Site" and the page's og:site_name)."""
    if not title:
        return None
    match = _SITE_SUFFIX.search(title)
    if match:
        suffix = match.group(1).strip().casefold()
        names = {*_SITE_NAMES, (site_name or "").casefold()} - {""}
        if suffix in names or any(suffix.startswith(n) for n in names):
            return title[: match.start()].strip() or title
    return title


def _body(fields: _Fields, evidence: _Evidence, warnings: set[str]) -> None:
    theme = evidence.theme
    paragraphs: list[str] = theme.paragraphs() if theme is not None else []
    source = theme.name if theme is not None else ""
    if not paragraphs:
        # On a theme page only the post itself is read: never the sidebar's text.
        generic = (
            evidence.generic
            if theme is None
            else GenericPage(theme.post_tree(evidence.page.tree), evidence.base)
        )
        paragraphs = _without_heading(generic.result.paragraphs, fields.get("title"))
        paragraphs = without_link_lines(split_blob(paragraphs, generic.tree))
        paragraphs = [p for p in paragraphs if not is_related_heading(p)]
        if generic.failed:
            warnings.add("trafilatura-failed")
        source = "trafilatura"
        paragraphs, from_json_ld = reconcile_with_article_body(
            paragraphs, evidence.data.article_body
        )
        source = "json-ld" if from_json_ld else source
    if not paragraphs and "not-html" in evidence.page.warnings:
        paragraphs = text_paragraphs(evidence.page.html)
        source = "derived"
    if theme is None or source != theme.name:  # the theme's rules did not give the body
        warnings.add("generic-fallback")
    credits = split_credits(paragraphs)
    warnings.update(credits.warnings)
    fields.fill("body", "\n\n".join(credits.paragraphs), source)
    fields.fill("byline", credits.byline, source)
    fields.fill("dateline", credits.dateline, source)
    fields.fill("authors", credits.authors, source)


def _without_heading(paragraphs: list[str], title: str | None) -> list[str]:
    """trafilatura often keeps the page's headline as one of the first paragraphs, after a
    category label or two: neither is body text."""
    folded = title.casefold() if title else None
    for index, paragraph in enumerate(paragraphs[:3]):
        if paragraph.casefold() == folded:
            return paragraphs[index + 1 :]
    return paragraphs


def _people(fields: _Fields, evidence: _Evidence, warnings: set[str]) -> None:
    data = evidence.data
    if evidence.theme is not None:
        fields.fill("wp_author", evidence.theme.wp_author(), evidence.theme.name)
    if evidence.wordpress is not None:
        fields.fill("wp_author", evidence.wordpress.author, "wordpress")
    fields.fill("wp_author", data.authors[0] if data.authors else None, "json-ld")
    fields.fill("wp_author", data.meta.get("author"), "meta")
    if evidence.theme is None:
        people = [a for a in data.person_authors if not is_house_account(a)]
        fields.fill("authors", people, "json-ld")
        fields.fill("authors", _meta_people(data), "meta")
        people = [a for a in evidence.generic.result.authors if looks_like_person(a)]
        fields.fill("authors", people, "trafilatura")
    wp_author = fields.get("wp_author")
    if wp_author and not is_house_account(wp_author):
        fields.fill("authors", [wp_author], fields.sources["wp_author"])


def _dates(fields: _Fields, evidence: _Evidence, warnings: set[str]) -> None:
    data, theme = evidence.data, evidence.theme
    candidates: list[tuple[str | None, str]] = [
        (data.date_published, "json-ld"),
        (data.meta.get("article:published_time"), "meta"),
    ]
    if theme is not None:
        candidates += [(text, theme.name) for text in theme.dates()]
    else:
        candidates.append((data.meta.get("og:published_time"), "og"))
        candidates += [(data.meta.get(name), "meta") for name in _DATE_META]
        if evidence.wordpress is not None:
            candidates.append((evidence.wordpress.date, "wordpress"))
    published = _first_date(candidates)
    if published is None and (theme is None or not fields.get("body")):
        day = evidence.generic.result.date
        published = _first_date([(with_time_of_day(day, evidence.page.tree), "htmldate")])
    if published is not None:
        value, source = published
        fields.fill("published_at", value.iso, source)
        fields.fill("date_precision", value.precision, source)
    modified = _first_date(
        [
            (data.date_modified, "json-ld"),
            (data.meta.get("article:modified_time"), "meta"),
            (data.meta.get("og:updated_time"), "og"),
        ]
    )
    if modified is not None:
        fields.fill("modified_at", modified[0].iso, modified[1])


def _meta_people(data: Structured) -> list[str]:
    """People named by author metadata ("Jane Doe", "By Jane Doe and John Roe"), not the
    organisations and profile URLs that sites also put there."""
    site = (data.meta.get("og:site_name") or "").casefold()
    people: list[str] = []
    for key in _AUTHOR_META:
        for value in data.meta_all.get(key, []):
            names = parse_by_line(value) or [n.strip() for n in _NAME_LIST.split(value)]
            people += [
                n
                for n in names
                if looks_like_person(n) and n.casefold() != site and n not in people
            ]
    return people


def _first_date(candidates: list[tuple[str | None, str]]) -> tuple[DateValue, str] | None:
    for text, source in candidates:
        value = parse_date(text)
        if value is not None:
            return value, source
    return None


def _sections(fields: _Fields, evidence: _Evidence, warnings: set[str]) -> None:
    data = evidence.data
    if evidence.theme is not None:
        categories, unnamed = _theme_categories(evidence, evidence.theme)
        if unnamed:
            warnings.add("category-slug")
        fields.fill("categories", categories, evidence.theme.name)
        fields.fill("tags", evidence.theme.tags(), evidence.theme.name)
        fields.fill("breadcrumbs", evidence.theme.breadcrumbs(), evidence.theme.name)
    fields.fill("categories", data.sections, "json-ld")
    fields.fill("tags", data.keywords, "json-ld")
    fields.fill("breadcrumbs", data.breadcrumbs, "json-ld")
    _category_from_breadcrumbs(fields)
    if evidence.theme is not None:
        return
    fields.fill("categories", unique(data.meta_all.get("article:section", [])), "meta")
    fields.fill("tags", unique(data.meta_all.get("article:tag", [])), "meta")
    if evidence.wordpress is not None:
        offered = fields.fill("categories", evidence.wordpress.categories, "wordpress")
        if offered and evidence.wordpress.unnamed_category:
            warnings.add("category-slug")
        fields.fill("tags", evidence.wordpress.tags, "wordpress")
        fields.fill("breadcrumbs", evidence.wordpress.breadcrumbs, "wordpress")
        _category_from_breadcrumbs(fields)
    # trafilatura's own categories and tags are not used: on a page without any it reports a
    # sidebar's tag cloud.


def _category_from_breadcrumbs(fields: _Fields) -> None:
    """ "Home / Nation / Title": the crumb before the title, when nothing else named one."""
    crumbs = fields.get("breadcrumbs", [])
    if len(crumbs) >= 3:
        fields.fill("categories", [crumbs[-2]], fields.sources["breadcrumbs"])


def _theme_categories(evidence: _Evidence, theme: Theme) -> tuple[list[str], bool]:
    """The categories the theme shows, then those named only in the post's classes: named from
    the theme's own category links (the breadcrumb), else any category link on the page (menus,
    widgets), else `category_names`, else the slug (True: some category is stored as a slug)."""
    shown = theme.categories()
    names = [c.name for c in shown]
    extra = [s for s in theme.category_slugs() if not any(c.slug == s for c in shown)]
    if not extra:
        return names, False
    local = {c.slug: c.name for c in reversed(theme.category_links()) if c.slug}
    on_page: dict[str, str] | None = None
    unnamed = False
    for slug in extra:
        name = local.get(slug)
        if name is None:
            on_page = page_category_names(evidence.page.tree) if on_page is None else on_page
            name = on_page.get(slug) or evidence.category_names.get(slug)
        unnamed = unnamed or name is None
        if (name or slug) not in names:
            names.append(name or slug)
    return names, unnamed


def _links(fields: _Fields, evidence: _Evidence, warnings: set[str]) -> None:
    theme = evidence.theme
    if theme is None:
        if evidence.wordpress is not None:
            _wordpress_links(fields, evidence, evidence.wordpress)
        return
    check = theme.check_also()
    check_url = _absolute(evidence, check["url"]) if check is not None else None
    if check is not None and check_url:
        fields.fill("check_also", {**check, "url": check_url}, theme.name)
    fields.fill("related", _related(evidence, theme.related()), theme.name)
    for name, neighbour in (("previous", theme.previous()), ("next", theme.next())):
        url = _absolute(evidence, neighbour["url"]) if neighbour is not None else None
        if neighbour is not None and url:
            fields.fill(name, {**neighbour, "url": url}, theme.name)


def _wordpress_links(fields: _Fields, evidence: _Evidence, found: WordPressMarkup) -> None:
    """Related-posts plugins and a "Check Also" box on a page no theme recognised."""
    related: list[Link] = [{"title": title, "url": url} for title, url in found.related]
    fields.fill("related", _related(evidence, related), "wordpress")
    if found.check_also is not None:
        title, href, excerpt = found.check_also
        url = _absolute(evidence, href)
        if url:
            check: CheckAlso = {"title": title, "url": url, "excerpt": excerpt}
            fields.fill("check_also", check, "wordpress")


def _related(evidence: _Evidence, links: list[Link]) -> list[Link]:
    """Absolute URLs, the first link to each."""
    related: list[Link] = []
    for link in links:
        url = _absolute(evidence, link["url"])
        if url and url not in (r["url"] for r in related):
            related.append({"title": link["title"], "url": url})
    return related


def _absolute(evidence: _Evidence, url: str) -> str | None:
    """A link made absolute against the page's URL; a theme page saved without one is a page of
    the site, so its links are relative to the site's root."""
    bases = (
        evidence.base,
        evidence.url,
        evidence.rules.site_url if evidence.theme is not None else None,
    )
    for base in bases:
        absolute = web_url(evidence.rules, url, base) if base and base.startswith("http") else None
        if absolute:
            return absolute
    return web_url(evidence.rules, url, None)


def _images(fields: _Fields, evidence: _Evidence, warnings: set[str]) -> None:
    if evidence.theme is not None:
        lead = evidence.theme.lead_image()
        lead_url = _absolute(evidence, lead["url"]) if lead is not None else None
        if lead is not None and lead_url:
            image: Image = {"url": lead_url, "alt": lead["alt"]}
            fields.fill("lead_image", image, evidence.theme.name)
        fields.fill(
            "images", _image_urls(evidence.theme.image_tags(), evidence), evidence.theme.name
        )
    for url, source in (
        (evidence.data.meta.get("og:image"), "og"),
        (evidence.data.image, "json-ld"),
    ):
        absolute = _absolute(evidence, url) if url else None
        if absolute:
            fields.fill("lead_image", {"url": absolute, "alt": None}, source)


def _image_urls(tags: list[Tag], evidence: _Evidence) -> list[str]:
    urls: list[str] = []
    for img in tags:
        src = image_source(img)
        if src is None or _AD_URL.search(src) or is_decoration(img):
            continue
        url = _absolute(evidence, src)
        if url and url not in urls:
            urls.append(url)
    return urls


def _post_id(fields: _Fields, evidence: _Evidence, warnings: set[str]) -> None:
    if evidence.theme is not None:
        fields.fill("post_id", evidence.theme.post_id(), evidence.theme.name)
    if evidence.wordpress is not None:
        fields.fill("post_id", evidence.wordpress.post_id, "wordpress")
    fields.fill("post_id", shortlink_post_id(evidence.data.shortlink), "meta")
    fields.fill("post_id", evidence.data.post_id, "json-ld")
    fields.fill("post_id", shortlink_post_id(evidence.url), "url")


def _page_language(data: Structured) -> str | None:
    lang = data.language or data.meta.get("og:locale")
    if not lang:
        return None
    code = clean_line(lang).replace("_", "-").split("-")[0].lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None


__all__ = ["EXTRACTOR_VERSION", "extract_article", "extract_without_theme", "strip_site_suffix"]
