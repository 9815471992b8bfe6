"""`atnews extract FILE [FILE ...] [--url URL]`: one JSON record per file on stdout (JSON Lines).

A file that cannot be read or is not a page gives one error line on stderr; the others are still
extracted, and the exit code is 1 when any file failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from atnews_scraper.commands import SubParsers, config_from_args, say
from atnews_scraper.errors import EXIT_OK, EXIT_PARTIAL
from atnews_scraper.extract import ExtractionError, extract_article
from atnews_scraper.record import ArticleRecord
from atnews_scraper.urls import UrlRules

# A saved page is ~100 KB; the extractor inflates .gz input up to the same 64 MB.
MAX_PAGE_BYTES = 64 * 1024 * 1024


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="extract article records from saved HTML files (JSON Lines)",
        description=(
            "Extract the article record of each saved page (.html, or .html.gz read "
            "transparently) and print one JSON object per line."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="saved HTML page(s)")
    parser.add_argument(
        "--url",
        help="the page's URL (default: its canonical / og:url, else the file path)",
    )
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="site root the pages were fetched from (default: $ATNEWS_SITE_URL or the live site)",
    )
    parser.add_argument("--pretty", action="store_true", help="indent each record (not JSONL)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    rules = UrlRules(hosts=config.hosts, site_url=config.site_url)
    failed = 0
    for name in args.files:
        try:
            record = extract_file(Path(name), args.url, rules)
        except (OSError, ExtractionError) as exc:
            failed += 1
            say(f"atnews extract: {name}: {_reason(exc)}; skipped")
            continue
        line = json.dumps(record, ensure_ascii=False, indent=2 if args.pretty else None)
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    if failed:
        say(f"atnews extract: {failed} of {len(args.files)} file(s) failed")
        return EXIT_PARTIAL
    return EXIT_OK


def extract_file(path: Path, url: str | None, rules: UrlRules) -> ArticleRecord:
    """The record of one saved page (.gz content is inflated by the extractor). When neither
    --url nor the page itself names its URL, the file's own path stands in for it."""
    return extract_article(read_page(path), url or path.resolve().as_uri(), rules=rules)


def read_page(path: Path) -> bytes:
    """The file's bytes, at most MAX_PAGE_BYTES: /dev/zero or a huge file is refused, not read
    until memory runs out."""
    with path.open("rb") as stream:
        data = stream.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        raise ExtractionError(f"larger than {MAX_PAGE_BYTES // 2**20} MB, too big for a saved page")
    return data


def _reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return str(exc)
