"""The real seed article (../shared/seed-article.txt), committed as fixtures/seed-article.txt so a
clone tests without shared/ beside it."""

from __future__ import annotations

from pathlib import Path

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "fixtures" / "seed-article.txt"
SHARED_SEED_ARTICLE = SEED_ARTICLE.parent.parent.parent / "shared" / "seed-article.txt"
FIRST = "Kabul: Russian President"
LAST = "observing members in this organization."


def seed_paragraphs() -> list[str]:
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def seed_body() -> str:
    """The article's body as the extractor must give it: from the dateline to the last line."""
    paragraphs = seed_paragraphs()
    start = next(i for i, p in enumerate(paragraphs) if p.startswith(FIRST))
    end = next(i for i, p in enumerate(paragraphs) if p.endswith(LAST))
    return "\n\n".join(paragraphs[start : end + 1])
