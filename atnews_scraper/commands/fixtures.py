"""`atnews fixtures check | regenerate [NAME ...] | record URL [--name NAME]`: the saved pages of
fixtures/pages/ against their expected records."""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request
from pathlib import Path

from atnews_scraper import __version__
from atnews_scraper.commands import SubParsers, say
from atnews_scraper.errors import EXIT_OK, EXIT_PARTIAL, AtnewsError, SiteUnreachable
from atnews_scraper.extract import ExtractionError
from atnews_scraper.fixture_pages import (
    PAGES_DIR,
    SavedPage,
    check_pages,
    name_for_url,
    save_page,
    saved_pages,
    write_expected,
)

FETCH_TIMEOUT = 30  # seconds
MAX_PAGE_BYTES = 20 * 1024 * 1024


def register(subparsers: SubParsers, parents: list[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "fixtures", help="check saved pages against their expected records; record new ones"
    )
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument(
        "--dir",
        type=Path,
        default=PAGES_DIR,
        help="directory of saved pages (default: fixtures/pages)",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, help_text, handler in (
        ("check", "re-extract every saved page and diff it against its expected record", run_check),
        (
            "regenerate",
            "rewrite expected records from the extractor (review the git diff)",
            run_regenerate,
        ),
    ):
        action = actions.add_parser(name, parents=[where], help=help_text)
        action.add_argument("names", nargs="*", metavar="NAME", help="only these pages")
        action.set_defaults(handler=handler)
    record = actions.add_parser(
        "record",
        parents=[where],
        help="fetch a live page and save it with a draft expected record",
    )
    record.add_argument("url", metavar="URL", help="the article's address")
    record.add_argument("--name", help="page name (default: from the URL's slug)")
    record.set_defaults(handler=run_record)


def _pages(args: argparse.Namespace) -> list[SavedPage]:
    try:
        pages = saved_pages(args.dir, args.names or None)
    except KeyError as exc:
        raise AtnewsError(
            f"no saved page named {exc.args[0]} in {args.dir}; see `ls {args.dir}`"
        ) from None
    if not pages:
        raise AtnewsError(f"no saved pages (*.html.gz) in {args.dir}")
    return pages


def run_check(args: argparse.Namespace) -> int:
    pages = _pages(args)
    failed = 0
    for result in check_pages(pages):
        if result.ok:
            continue
        failed += 1
        if result.error:
            print(f"{result.page.name}: cannot check: {result.error}")
            continue
        print(f"{result.page.name}: {len(result.diffs)} field(s) differ")
        for diff in result.diffs:
            print(diff.render())
    print(f"{len(pages) - failed} of {len(pages)} saved page(s) match their expected records")
    if failed:
        print(
            "fix the extractor, or when the expected record is wrong by docs/"
            "record-conventions.md: `atnews fixtures regenerate NAME` and review the git diff"
        )
        return EXIT_PARTIAL
    return EXIT_OK


def run_regenerate(args: argparse.Namespace) -> int:
    changed = 0
    failed = 0
    for page in _pages(args):
        try:
            if write_expected(page, page.extract()):
                changed += 1
                say(f"rewrote {page.expected_path}")
        except (OSError, ValueError, EOFError) as exc:
            failed += 1
            say(f"{page.name}: cannot extract: {exc}; expected record left as it was")
    say(f"{changed} expected record(s) rewritten; review them with `git diff {args.dir}`")
    return EXIT_PARTIAL if failed else EXIT_OK


def run_record(args: argparse.Namespace) -> int:
    html, content_type = fetch(args.url)
    name = args.name or name_for_url(args.url)
    try:
        page = save_page(args.dir, name, args.url, html, content_type)
    except ExtractionError as exc:
        raise AtnewsError(f"{args.url} is not an article page: {exc}") from None
    except ValueError as exc:
        raise AtnewsError(str(exc)) from None
    say(f"saved {page.html_path} and a draft {page.expected_path}: review it before committing")
    return EXIT_OK


def fetch(url: str) -> tuple[bytes, str | None]:
    """GET a page with plain urllib: (body, Content-Type). Raises SiteUnreachable on failure."""
    if not url.startswith(("http://", "https://")):
        raise AtnewsError(f"not a web URL: {url!r}; give an http(s):// address")
    request = urllib.request.Request(url, headers={"User-Agent": f"atnews/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            body = response.read(MAX_PAGE_BYTES + 1)
            content_type = response.headers.get("Content-Type")
    except urllib.error.HTTPError as exc:
        raise SiteUnreachable(f"{url}: the server answered HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SiteUnreachable(
            f"cannot fetch {url}: {reason}; are you offline? (check the network and retry)"
        ) from None
    if len(body) > MAX_PAGE_BYTES:
        raise AtnewsError(f"{url}: page is larger than {MAX_PAGE_BYTES // 2**20} MB; not saved")
    print(f"fetched {url}: {len(body):,} bytes", file=sys.stderr)
    return body, content_type
