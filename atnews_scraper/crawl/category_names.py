"""Category display names by slug, from pages the crawl has seen: for the categories an article
names only in its classes (`category-baghlan`) and links nowhere on its own page.

The crawl learns them from the listing pages it reads (menus, breadcrumbs, widgets); `atnews
reparse` from every stored page, read from the store the first time an article needs a name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pymongo.database import Database

from atnews_scraper.extract import ExtractionError
from atnews_scraper.extract.html_page import load_page
from atnews_scraper.extract.wordpress import page_category_names
from atnews_scraper.ingest.pages import find_pages, page_html


def category_names_in(html: bytes | str, content_type: str | None = None) -> dict[str, str]:
    """slug -> link text of every /category/<slug>/ link on a page ({} for a page that is not
    HTML)."""
    try:
        return page_category_names(load_page(html, content_type).tree)
    except ExtractionError:
        return {}


class StoredCategoryNames(Mapping[str, str]):
    """slug -> name from the category links of every stored page (the newest fetch's name wins),
    read on the first lookup: most articles name their own categories, so most reparses never
    pay for it."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self._names: dict[str, str] | None = None

    def _loaded(self) -> dict[str, str]:
        if self._names is None:
            self._names = {}
            for page in find_pages(self._database):  # oldest fetch first
                encoding = page.get("encoding")
                content_type = f"text/html; charset={encoding}" if encoding else None
                html = page_html(self._database, page)
                self._names.update(category_names_in(html, content_type))
        return self._names

    def __getitem__(self, slug: str) -> str:
        return self._loaded()[slug]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())
