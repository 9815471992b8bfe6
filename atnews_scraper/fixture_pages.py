"""Saved article pages (fixtures/pages/) and their expected records.

Each page NAME has three files: ``NAME.html.gz`` (the page as served), ``NAME.meta.json`` (at
least its ``url``) and ``NAME.expected.json`` (the record the extractor must produce). The check
re-extracts every page and diffs it field by field; regenerate rewrites expected records from the
extractor for review (the Fundus way: a changed extractor shows up as a reviewed diff in git).
"""

from __future__ import annotations

import datetime as dt
import difflib
import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from atnews_scraper.config import PROJECT_ROOT
from atnews_scraper.extract import extract_article
from atnews_scraper.record import RECORD_FIELDS, ArticleRecord
from atnews_scraper.urls import UrlRules

PAGES_DIR = PROJECT_ROOT / "fixtures" / "pages"
# The fixture pages are of the live site, whatever --site-url a developer has set.
FIXTURE_RULES = UrlRules()
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class SavedPage:
    name: str
    directory: Path

    @property
    def html_path(self) -> Path:
        return self.directory / f"{self.name}.html.gz"

    @property
    def meta_path(self) -> Path:
        return self.directory / f"{self.name}.meta.json"

    @property
    def expected_path(self) -> Path:
        return self.directory / f"{self.name}.expected.json"

    def html(self) -> bytes:
        return gzip.decompress(self.html_path.read_bytes())

    def meta(self) -> dict[str, Any]:
        value = json.loads(self.meta_path.read_text(encoding="utf-8"))
        return value if isinstance(value, dict) else {}

    def expected(self) -> dict[str, Any]:
        value = json.loads(self.expected_path.read_text(encoding="utf-8"))
        return value if isinstance(value, dict) else {}

    def extract(self) -> ArticleRecord:
        meta = self.meta()
        return extract_article(
            self.html(),
            meta.get("url"),
            rules=FIXTURE_RULES,
            content_type=meta.get("content_type"),
        )


def saved_pages(directory: Path = PAGES_DIR, names: list[str] | None = None) -> list[SavedPage]:
    """Every saved page (those with an .html.gz), sorted by name; `names` picks some."""
    found = sorted(p.name.removesuffix(".html.gz") for p in directory.glob("*.html.gz"))
    if names:
        unknown = sorted(set(names) - set(found))
        if unknown:
            raise KeyError(", ".join(unknown))
        found = [n for n in found if n in names]
    return [SavedPage(name, directory) for name in found]


@dataclass(frozen=True)
class FieldDiff:
    field: str
    expected: Any
    actual: Any

    def render(self) -> str:
        """Readable lines: a paragraph diff for the body, the two values for anything else."""
        if self.field == "body" and isinstance(self.expected, str) and isinstance(self.actual, str):
            lines = difflib.unified_diff(
                self.expected.split("\n\n"),
                self.actual.split("\n\n"),
                "expected",
                "actual",
                lineterm="",
                n=1,
            )
            return "  body (paragraphs):\n" + "\n".join(f"    {line}" for line in lines)
        return (
            f"  {self.field}:\n"
            f"    expected: {_show(self.expected)}\n"
            f"    actual:   {_show(self.actual)}"
        )


def is_placeholder_extraction(expected: dict[str, Any]) -> bool:
    """A hand-written expected record leaves sources, warnings and version for `regenerate`."""
    extraction = expected.get("extraction")
    return isinstance(extraction, dict) and not extraction.get("version")


def compare(expected: dict[str, Any], actual: ArticleRecord) -> list[FieldDiff]:
    """Field-by-field differences; of a placeholder `extraction` block only `method` counts."""
    diffs: list[FieldDiff] = []
    actual_map: dict[str, Any] = dict(actual)
    for name in (*RECORD_FIELDS, *sorted(set(expected) - set(RECORD_FIELDS))):
        want = expected.get(name)
        got = actual_map.get(name)
        if name == "extraction" and is_placeholder_extraction(expected):
            want = (want or {}).get("method")
            got = (got or {}).get("method")
            name = "extraction.method"
        if name == "extraction" and isinstance(want, dict) and isinstance(got, dict):
            diffs += [
                FieldDiff(f"extraction.{key}", want.get(key), got.get(key))
                for key in sorted(set(want) | set(got))
                if want.get(key) != got.get(key)
            ]
        elif want != got:
            diffs.append(FieldDiff(name, want, got))
    return diffs


@dataclass(frozen=True)
class CheckResult:
    page: SavedPage
    diffs: list[FieldDiff]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.diffs and self.error is None


def check_pages(pages: list[SavedPage]) -> Iterator[CheckResult]:
    for page in pages:
        try:
            expected = page.expected()
            actual = page.extract()
        except (OSError, ValueError, EOFError) as exc:
            yield CheckResult(page, [], f"{type(exc).__name__}: {exc}")
            continue
        yield CheckResult(page, compare(expected, actual))


def write_expected(page: SavedPage, record: ArticleRecord) -> bool:
    """Write the record as the page's expected JSON; True when the file changed."""
    text = record_json(record)
    old = page.expected_path.read_text(encoding="utf-8") if page.expected_path.exists() else None
    if old == text:
        return False
    page.expected_path.write_text(text, encoding="utf-8")
    return True


def record_json(record: ArticleRecord | dict[str, Any]) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def save_page(
    directory: Path, name: str, url: str, html: bytes, content_type: str | None
) -> SavedPage:
    """Store a fetched page (gzip), its meta and a draft expected record from the extractor."""
    if not _NAME.match(name):
        raise ValueError(f"bad page name {name!r}: use lower-case letters, digits, '-', '_'")
    page = SavedPage(name, directory)
    directory.mkdir(parents=True, exist_ok=True)
    page.html_path.write_bytes(gzip.compress(html, mtime=0))
    meta: dict[str, Any] = {
        "url": url,
        "saved_at": dt.datetime.now(dt.UTC).date().isoformat(),
        "source": "recorded",
        "content_type": content_type,
        "covers": [],
        "notes": "draft: review the expected record against docs/record-conventions.md",
    }
    page.meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    write_expected(page, page.extract())
    return page


def name_for_url(url: str) -> str:
    """A page name from the URL's last path segment: /sco-summit-putins-.../ -> sco-summit-..."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    slug = re.sub(r"[^a-z0-9_-]+", "-", (segments[-1] if segments else "home").lower())
    return slug.strip("-")[:80] or "page"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 400 else text[:400] + f"... ({len(text)} chars)"
