"""The generated site: fixtures/site is what the generator writes, and its pages are right."""

from __future__ import annotations

import filecmp
from pathlib import Path

from atnews_scraper.sitegen import default_site, write_site

FIXTURE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_fixture_site_is_exactly_what_the_generator_writes(tmp_path: Path) -> None:
    fresh = write_site(default_site(), tmp_path / "site")
    assert _tree(fresh) == _tree(FIXTURE_SITE)
    different = [
        name
        for name in _tree(fresh)
        if not filecmp.cmp(fresh / name, FIXTURE_SITE / name, shallow=False)
    ]
    assert different == [], "run: python -m atnews_scraper.sitegen build fixtures/site"
