"""Every saved page in fixtures/pages/ extracts to its expected record, field for field."""

from __future__ import annotations

import pytest

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
    from atnews_scraper.config import PROJECT_ROOT

    seed_file = PROJECT_ROOT.parent / "shared" / "seed-article.txt"
    if not seed_file.exists():
        pytest.skip(f"no seed text at {seed_file}")
    seed = seed_file.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in seed.split("\n\n") if p.strip()]
    start = next(i for i, p in enumerate(paragraphs) if p.startswith("Kabul: Russian President"))
    end = next(
        i for i, p in enumerate(paragraphs) if p.endswith("observing members in this organization.")
    )
    page = SavedPage("sco-summit-putin-raisi-xi-samarkand", PAGES[0].directory)
    assert page.extract()["body"] == "\n\n".join(paragraphs[start : end + 1])
