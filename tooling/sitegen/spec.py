"""What a generated site contains: articles, categories, tags, authors, as plain data.

Rendering (``render_html.py``, ``render_xml.py``) turns a ``SiteSpec`` into pages; nothing here
knows about markup. Every value is chosen by the builders in ``builders.py`` from a seed, so the
same call always gives the same site.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

SITE_URL = "https://www.afghanistantimes.af/"
SITE_NAME = "Afghanistan Times"
POSTS_PER_PAGE = 10
FEED_ITEMS = 10
THEMES = ("sahifa", "legacy")


@dataclass(frozen=True)
class LeadForm:
    """How an article's first paragraph credits its source, as printed by the site.

    ``separate`` is a paragraph of its own before the text ("AT News", "By Jane Doe");
    ``prefix`` opens the first paragraph ("AT News KABUL: "). ``{PLACE}`` / ``{Place}`` /
    ``{writer}`` are filled in. ``byline`` and ``dateline`` say what an extractor should find.
    """

    name: str
    prefix: str = ""
    separate: str | None = None
    byline: str | None = None
    has_dateline: bool = True


LEAD_FORMS: dict[str, LeadForm] = {
    form.name: form
    for form in (
        LeadForm("at-news-paragraph", "{Place}: ", separate="AT News", byline="AT News"),
        LeadForm("at-news-place", "AT News {PLACE}: ", byline="AT News"),
        LeadForm("at-place", "AT {Place}: ", byline="AT"),
        LeadForm("at-dash-place", "AT-{PLACE}: ", byline="AT"),
        LeadForm("at-news-report", "AT News Report {PLACE}: ", byline="AT News Report"),
        LeadForm("monitoring-desk", "AT Monitoring Desk-{PLACE}: ", byline="AT Monitoring Desk"),
        LeadForm("place-upper", "{PLACE}: "),
        LeadForm("place", "{Place}: "),
        LeadForm("by-writer-place", "By {writer} {PLACE}: "),
        LeadForm("by-writer-paragraph", separate="By {writer}", has_dateline=False),
        LeadForm("none", has_dateline=False),
    )
}


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str


@dataclass(frozen=True)
class TagSpec:
    slug: str
    name: str


@dataclass(frozen=True)
class AuthorSpec:
    login: str  # URL slug of /author/<login>/
    display_name: str


@dataclass(frozen=True)
class ArticleSpec:
    slug: str
    post_id: int
    title: str
    paragraphs: tuple[str, ...]  # the article text, without the byline / dateline lead
    published: dt.datetime  # Kabul time, tz-aware
    modified: dt.datetime
    categories: tuple[str, ...]  # category slugs, the primary one first
    tags: tuple[str, ...] = ()
    author: str = "admin"  # WordPress account login
    lead_form: str = "at-news-place"  # a key of LEAD_FORMS
    place: str = "Kabul"
    writer: str | None = None  # the person of a "By <Name>" byline
    check_also: str | None = None  # slug
    related: tuple[str, ...] = ()  # slugs
    image: str | None = None  # path under /wp-content/uploads/
    # Theme and plugin options that vary between pages of the real site.
    meta_line: bool = True
    share_top: bool = False
    updated_span: bool = False
    og_tags: bool = False
    yoast: bool = False
    ad_in_body: bool = False
    views: int = 0
    theme: str = "sahifa"  # or "legacy": the page after a redesign (render_legacy.py)

    @property
    def lead(self) -> LeadForm:
        return LEAD_FORMS[self.lead_form]

    @property
    def printed_paragraphs(self) -> tuple[str, ...]:
        """The paragraphs as the page prints them: byline and dateline included."""
        form = self.lead
        values = {"PLACE": self.place.upper(), "Place": self.place, "writer": self.writer or ""}
        first, *rest = self.paragraphs
        printed = [form.prefix.format(**values) + first, *rest]
        if form.separate:
            printed.insert(0, form.separate.format(**values))
        return tuple(printed)

    @property
    def expected_byline(self) -> str | None:
        return self.lead.byline

    @property
    def expected_dateline(self) -> str | None:
        """The place, title-cased per word as docs/record-conventions.md asks, the Persian linking
        particle between hyphens kept lower case: Mazar-i-Sharif, Sar-e-Pol."""
        if not self.lead.has_dateline:
            return None
        titled = re.sub(r"[A-Za-z]+", lambda word: word.group().capitalize(), self.place)
        return re.sub(r"-([EI])-", lambda particle: particle.group().lower(), titled)

    @property
    def excerpt(self) -> str:
        """The first 55 words of the text, as WordPress cuts an excerpt."""
        words = " ".join(self.printed_paragraphs).split()
        return " ".join(words[:55])

    @property
    def path(self) -> str:
        return f"/{self.slug}/"


@dataclass(frozen=True)
class Archive:
    """The posts of one category, tag or author, newest first."""

    kind: str  # "category", "tag" or "author": the first segment of its URL
    slug: str
    name: str
    articles: tuple[ArticleSpec, ...]

    @property
    def path(self) -> str:
        return f"/{self.kind}/{self.slug}/"


@dataclass(frozen=True)
class SiteSpec:
    articles: tuple[ArticleSpec, ...]
    categories: tuple[CategorySpec, ...]
    tags: tuple[TagSpec, ...]
    authors: tuple[AuthorSpec, ...]
    site_url: str = SITE_URL
    posts_per_page: int = POSTS_PER_PAGE
    feed_items: int = FEED_ITEMS
    search_words: tuple[str, ...] = ()  # a search results page is rendered for each
    seed: int = 0

    @cached_property
    def by_slug(self) -> dict[str, ArticleSpec]:
        return {article.slug: article for article in self.articles}

    @cached_property
    def newest_first(self) -> tuple[ArticleSpec, ...]:
        return tuple(sorted(self.articles, key=lambda a: (a.published, a.post_id), reverse=True))

    def category(self, slug: str) -> CategorySpec:
        return next(c for c in self.categories if c.slug == slug)

    def tag(self, slug: str) -> TagSpec:
        return next(t for t in self.tags if t.slug == slug)

    def author(self, login: str) -> AuthorSpec:
        return next(a for a in self.authors if a.login == login)

    @cached_property
    def _archives(self) -> dict[tuple[str, str], tuple[ArticleSpec, ...]]:
        """Newest-first articles of each ("category" | "tag" | "author", slug)."""
        archives: dict[tuple[str, str], list[ArticleSpec]] = {}
        for article in self.newest_first:
            keys = [("category", c) for c in article.categories]
            keys += [("tag", t) for t in article.tags] + [("author", article.author)]
            for key in keys:
                archives.setdefault(key, []).append(article)
        return {key: tuple(articles) for key, articles in archives.items()}

    def archives(self) -> list[Archive]:
        """Every category, tag and author archive that has posts, in that order."""
        terms = (
            [("category", c.slug, c.name) for c in self.categories]
            + [("tag", t.slug, t.name) for t in self.tags]
            + [("author", a.login, a.display_name) for a in self.authors]
        )
        return [
            Archive(kind, slug, name, self._archives[(kind, slug)])
            for kind, slug, name in terms
            if (kind, slug) in self._archives
        ]

    def in_category(self, slug: str) -> tuple[ArticleSpec, ...]:
        return self._archives.get(("category", slug), ())

    def with_tag(self, slug: str) -> tuple[ArticleSpec, ...]:
        return self._archives.get(("tag", slug), ())

    def by_author(self, login: str) -> tuple[ArticleSpec, ...]:
        return self._archives.get(("author", login), ())

    @cached_property
    def _position(self) -> dict[str, int]:
        """Index of each slug in publication order (oldest first)."""
        return {a.slug: i for i, a in enumerate(reversed(self.newest_first))}

    def neighbours(self, article: ArticleSpec) -> tuple[ArticleSpec | None, ArticleSpec | None]:
        """(previous, next) in publication order, as the theme's post navigation shows."""
        newest_first = self.newest_first
        index = self._position[article.slug]  # oldest first
        count = len(newest_first)
        previous = newest_first[count - index] if index > 0 else None
        following = newest_first[count - index - 2] if index + 1 < count else None
        return previous, following

    @property
    def newest_modified(self) -> dt.datetime:
        return max(a.modified for a in self.articles)

    # -- derived sites, for incremental-crawl tests ----------------------------------------------

    def with_articles(self, articles: tuple[ArticleSpec, ...]) -> SiteSpec:
        return dataclasses.replace(self, articles=articles)

    def with_new_articles(self, count: int, seed: int | None = None) -> SiteSpec:
        """This site plus ``count`` newer articles (published after every existing one)."""
        from tooling.sitegen.builders import new_articles

        added = new_articles(self, count, self.seed + 1000 if seed is None else seed)
        return self.with_articles(self.articles + added)

    def with_theme(self, theme: str, slugs: Iterable[str] | None = None) -> SiteSpec:
        """This site with the given articles (default: all) rendered in another theme."""
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}: use one of {', '.join(THEMES)}")
        chosen = set(self.by_slug if slugs is None else slugs)
        unknown = chosen - set(self.by_slug)
        if unknown:
            raise KeyError(f"no article {sorted(unknown)[0]!r} in this site")
        return self.with_articles(
            tuple(
                dataclasses.replace(a, theme=theme) if a.slug in chosen else a
                for a in self.articles
            )
        )

    def with_changed_article(self, slug: str, when: dt.datetime | None = None) -> SiteSpec:
        """This site with one article's text changed and its modified time moved forward."""
        from tooling.sitegen.builders import changed_article

        if slug not in self.by_slug:
            raise KeyError(f"no article {slug!r} in this site")
        changed = changed_article(self.by_slug[slug], when or self.newest_modified)
        return self.with_articles(tuple(changed if a.slug == slug else a for a in self.articles))
