"""Themes as plug-ins: each is a `Theme` subclass, tried in turn by `recognise_theme`.

A redesign is a new class here (and its saved pages): docs/extraction.md, "When the site
changes".
"""

from __future__ import annotations

from atnews_scraper.extract.html_page import Page
from atnews_scraper.extract.themes.base import Category, ListingSelectors, Theme
from atnews_scraper.extract.themes.jannah import JannahTheme
from atnews_scraper.extract.themes.sahifa import SahifaTheme

# Tried in this order, the site's current theme first (most pages stop there). Both TieLabs
# themes print `#the-post` and a `div.entry`: Sahifa needs its `.post-inner`, Jannah its
# `.entry-header`.
THEMES: tuple[type[Theme], ...] = (SahifaTheme, JannahTheme)


def recognise_theme(page: Page, themes: tuple[type[Theme], ...] = THEMES) -> Theme | None:
    """The first theme whose landmarks the page has, or None (structured / generic reading)."""
    for theme in themes:
        found = theme.recognise(page)
        if found is not None:
            return found
    return None


__all__ = ["THEMES", "Category", "ListingSelectors", "Theme", "recognise_theme"]
