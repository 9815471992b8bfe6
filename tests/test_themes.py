"""Themes as plug-ins: the registry, a theme written in a test, Jannah listings, known category
names, and no field reader outside a theme class naming Sahifa."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from bs4 import Tag

from atnews_scraper.crawl.listings import parse_listing
from atnews_scraper.extract import extract_article
from atnews_scraper.extract.html_page import load_page
from atnews_scraper.extract.themes import THEMES, recognise_theme
from atnews_scraper.extract.themes.base import ListingSelectors, MarkClasses, Theme, text_of
from atnews_scraper.fixture_pages import FIXTURE_RULES, saved_pages

EXTRACT = Path(__file__).resolve().parent.parent / "atnews_scraper" / "extract"
SITE = "https://www.afghanistantimes.af"
SAHIFA = (
    '<html><body class="single postid-5"><article id="the-post" class="post-5 category-nation">'
    '<div class="post-inner"><h1 class="post-title">Sahifa title</h1>'
    '<div class="entry"><p>KABUL: Text of the story.</p></div></div></article></body></html>'
)
JANNAH = (
    '<html><body class="single postid-6"><article id="the-post" class="post-6 category-nation">'
    '<header class="entry-header-outer"><div class="entry-header">'
    '<h1 class="post-title entry-title">Jannah title</h1></div></header>'
    '<div class="entry-content entry clearfix"><p>KABUL – Text of the story.</p></div>'
    "</article></body></html>"
)


class StoryTheme(Theme):
    """A made-up redesign: what a new theme class needs."""

    name = "story"
    landmark_ids = frozenset({"story"})
    landmark_classes = frozenset()
    post_id_attr = "story"
    mark_classes: ClassVar[MarkClasses] = {
        "story__title": ("", frozenset({"h1"})),
        "story__body": ("", frozenset({"div"})),
    }
    box_classes = frozenset({"story__body"})
    body_mark = "story__body"
    skip_ids = frozenset()
    skip_classes = frozenset()
    listing = ListingSelectors(article_links=(".story-list a::attr(href)",), next_page=())

    def title(self) -> str | None:
        return text_of(self.landmarks.get("story__title"))


def test_the_registry_tries_sahifa_then_jannah() -> None:
    assert [theme.name for theme in THEMES] == ["sahifa", "jannah"]
    sahifa = recognise_theme(load_page(SAHIFA))
    jannah = recognise_theme(load_page(JANNAH))
    assert sahifa is not None and sahifa.name == "sahifa"
    assert jannah is not None and jannah.name == "jannah"
    assert recognise_theme(load_page("<html><body><p>No theme.</p></body></html>")) is None


def test_a_theme_class_is_all_a_redesign_needs() -> None:
    html = (
        '<html><body><main id="story"><h1 class="story__title">A new look</h1>'
        '<div class="story__body"><p>HERAT: The text.</p></div></main></body></html>'
    )
    found = recognise_theme(load_page(html), (StoryTheme, *THEMES))
    assert isinstance(found, StoryTheme)
    assert (found.title(), found.paragraphs()) == ("A new look", ["HERAT: The text."])
    assert isinstance(found.post, Tag)


def test_provenance_labels_are_the_theme_name() -> None:
    record = extract_article(JANNAH, f"{SITE}/jannah-story/", rules=FIXTURE_RULES)
    assert record["extraction"]["method"] == "jannah"
    assert record["extraction"]["sources"]["title"] == "jannah"
    assert record["extraction"]["sources"]["body"] == "jannah"
    assert (record["title"], record["dateline"]) == ("Jannah title", "Kabul")


def test_known_category_names_name_the_class_only_categories() -> None:
    (page,) = saved_pages(names=["class-only-categories-pul-e-khumri"])
    url = page.meta()["url"]
    alone = extract_article(page.html(), url, rules=FIXTURE_RULES)
    named = extract_article(
        page.html(), url, rules=FIXTURE_RULES, category_names={"baghlan": "Baghlan"}
    )
    assert alone["categories"] == ["Nation", "Provinces", "baghlan"]
    assert "category-slug" in alone["extraction"]["warnings"]
    assert named["categories"] == ["Nation", "Provinces", "Baghlan"]
    assert "category-slug" not in named["extraction"]["warnings"]


def test_the_listing_reader_reads_jannah_archives() -> None:
    items = "".join(
        f'<li class="post-item tie-standard"><a class="post-thumb" href="{SITE}/{slug}/"></a>'
        f'<div class="post-details"><h2 class="post-title"><a href="{SITE}/{slug}/">{slug}</a>'
        f'</h2><p class="post-excerpt">...</p><a class="more-link button" href="{SITE}/{slug}/">'
        "Read More &raquo;</a></div></li>"
        for slug in ("first-story", "second-story")
    )
    html = (
        '<html><body><div class="mag-box wide-post-box"><ul id="posts-container" '
        f'class="posts-items">{items}</ul></div>'
        '<div class="pages-nav"><ul class="pages-numbers"><li class="current">'
        '<span class="pages-nav-item">1</span></li><li><a class="pages-nav-item" '
        f'href="{SITE}/category/nation/page/2/">2</a></li><li class="the-next-page">'
        f'<a href="{SITE}/category/nation/page/2/">&raquo;</a></li></ul></div>'
        '<aside class="sidebar"><div class="widget"><h3 class="post-title">'
        f'<a href="{SITE}/sidebar-story/">Sidebar</a></h3></div></aside></body></html>'
    )
    listing = parse_listing(html, f"{SITE}/category/nation/")
    assert listing.article_links == (f"{SITE}/first-story/", f"{SITE}/second-story/")
    assert listing.next_page == f"{SITE}/category/nation/page/2/"


def test_no_field_reader_names_sahifa_outside_its_theme_class() -> None:
    allowed = {EXTRACT / "themes" / "sahifa.py", EXTRACT / "themes" / "__init__.py"}
    allowed.add(EXTRACT / "themes" / "jannah.py")  # says whose successor it is
    naming = [
        path.relative_to(EXTRACT).as_posix()
        for path in sorted(EXTRACT.rglob("*.py"))
        if path not in allowed and "sahifa" in path.read_text(encoding="utf-8").lower()
    ]
    assert naming == []
