"""Every saved page in fixtures/pages/ extracts to its expected record, field for field."""

from __future__ import annotations

import pytest
from seed_text import SEED_ARTICLE, SHARED_SEED_ARTICLE, seed_body

from atnews_scraper.fixture_pages import SavedPage, compare, saved_pages

PAGES = saved_pages()


def test_there_are_saved_pages() -> None:
    assert len(PAGES) >= 25


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_saved_page_extracts_to_its_expected_record(page: SavedPage) -> None:
    diffs = compare(page.expected(), page.extract())
    assert not diffs, f"{page.name}:\n" + "\n".join(d.render() for d in diffs)


def test_seed_article_body_is_the_seed_text() -> None:
    """The real seed article: its body is exactly the seed text from the dateline to the end."""
    page = SavedPage("sco-summit-putin-raisi-xi-samarkand", PAGES[0].directory)
    assert page.extract()["body"] == seed_body()


def test_committed_seed_text_is_the_shared_one() -> None:
    if not SHARED_SEED_ARTICLE.exists():
        pytest.skip(f"no shared/ beside this checkout ({SHARED_SEED_ARTICLE})")
    assert SEED_ARTICLE.read_bytes() == SHARED_SEED_ARTICLE.read_bytes()
