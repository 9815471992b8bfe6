"""`atnews browse` in a real browser: Debian's chromium, headless, against the Datasette server.

Skipped, saying why, when chromium is not installed (`make browser` installs it as root).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from analysis_data import load_analysis_records
from PIL import Image

from atnews_scraper.database import connect
from atnews_scraper.ferretdb import ServerInfo, free_port

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Debian's chromium is not installed: `make browser` (as root) installs it",
)
EVIL_TITLE = "<script>document.body.setAttribute('data-xss', 'title')</script>Evil headline"
EVIL_BODY = (
    "<img src=x onerror=\"document.body.setAttribute('data-xss','img')\">\n\n"
    "<script>document.body.setAttribute('data-xss', 'body')</script> plain words"
)
START_TIMEOUT_S = 60


def evil_article() -> dict[str, object]:
    return {
        "url": "javascript:document.body.setAttribute('data-xss','url')",
        "post_id": 999,
        "title": EVIL_TITLE,
        "body": EVIL_BODY,
        "byline": "<b>Mallory</b>",
        "authors": [],
        "categories": ["Latest"],
        "tags": [],
        "check_also": {"title": "<i>click</i>", "url": "javascript:alert(1)", "excerpt": None},
        "related": [{"title": "data", "url": "data:text/html,<script>alert(1)</script>"}],
    }


@pytest.fixture(scope="module")
def browse_url(
    ferretdb_server: ServerInfo, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`atnews browse` serving the analysis data set plus a hostile article."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    database = connect(ferretdb_server.uri, name)
    load_analysis_records(database)
    database.articles.insert_one(evil_article())
    port = free_port()
    workdir = tmp_path_factory.mktemp("browse")
    argv = [sys.executable, "-m", "atnews_scraper.cli", "browse", "--port", str(port)]
    argv += ["--mongo-uri", ferretdb_server.uri, "--db", name]
    argv += ["--index", str(workdir / "index.db")]
    env = {k: v for k, v in os.environ.items() if k != "ATNEWS_INDEX"}
    server = subprocess.Popen(argv, env=env, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    problem = server.stderr.read() if server.stderr else ""
                    raise AssertionError(f"atnews browse did not start: {problem}") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        database.client.drop_database(name)
        database.client.close()


def chromium(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{uuid.uuid4().hex[:8]}"
    argv = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
        *options,
    ]
    return subprocess.run(argv, capture_output=True, text=True, timeout=90, check=True)


def dom(tmp_path: Path, url: str) -> str:
    """The page's DOM after its scripts ran."""
    return chromium(tmp_path, "--dump-dom", url).stdout


def screenshot(tmp_path: Path, url: str, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    chromium(tmp_path, f"--screenshot={path}", url)
    with Image.open(path) as image:
        assert image.size == (1280, 1000)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 20, f"{name}: a blank screenshot"
    return path


@needs_chromium
def test_home_page_has_search_chart_and_no_outside_resources(
    browse_url: str, tmp_path: Path
) -> None:
    page = dom(tmp_path, browse_url)
    assert "atnews: Afghanistan Times archive" in page
    assert '<form class="core" action="/atnews/article_list" method="get">' in page
    assert 'name="_search"' in page
    assert "13 articles, published 2022-09-15 00:00 to 2022-12-01 12:00; 2 without a date." in (
        " ".join(page.split())
    )
    assert page.count('<rect x="') == 4  # 2022-09 to 2022-12
    assert "2022-09: 4" in page
    resources = re.findall(r'<(?:script|link|img)\b[^>]*?(?:src|href)="([^"]*)"', page)
    assert resources  # Datasette's own CSS at least
    outside = [url for url in resources if not url.startswith(("/", browse_url))]
    assert outside == [], "the page needs resources from outside 127.0.0.1"
    screenshot(tmp_path, browse_url, "home")


@needs_chromium
def test_search_lists_matches_with_facets(browse_url: str, tmp_path: Path) -> None:
    url = f"{browse_url}atnews/article_list?_search=education"
    page = dom(tmp_path, url)
    text = " ".join(page.split())
    assert '1 row where search matches "education"' in text
    assert ">Editorial: Girls' education cannot wait</a>" in page
    assert ">Why women must return to work</a>" not in page
    for facet in ("categories (array)", "tags (array)", "authors (array)", "year_month"):
        assert facet in text
    screenshot(tmp_path, url, "search")


@needs_chromium
def test_article_page_reads_well_and_links_on(browse_url: str, tmp_path: Path) -> None:
    listing = dom(tmp_path, f"{browse_url}atnews/article_list?_search=lifeline")
    start = listing.index('href="/-/article/') + len('href="')
    article_url = browse_url.rstrip("/") + listing[start : listing.index('"', start)]
    page = dom(tmp_path, article_url)
    text = " ".join(page.split())
    assert "<h1>Editorial: Banks need a lifeline</h1>" in page
    assert "<time>2022-10-30 07:00</time>" in page
    assert "<p>The banks cannot lend while their deposits are frozen abroad.</p>" in page
    assert (
        '<a href="https://www.afghanistantimes.af/editorial-banks-need-a-lifeline/" '
        'rel="noreferrer">Read the original</a>'
    ) in page
    assert "Check Also" in text and ">Earthquake shakes Herat province</a>" in page
    assert ">The economy after the aid freeze</a>" in page  # related, linked in the index
    screenshot(tmp_path, article_url, "article")


@needs_chromium
def test_stored_script_and_javascript_links_are_inert(browse_url: str, tmp_path: Path) -> None:
    listing = dom(tmp_path, f"{browse_url}atnews/article_list?_search=plain")
    assert "data-xss" not in listing.split("<body")[1].split(">")[0]
    assert "&lt;script&gt;document.body.setAttribute" in listing
    assert 'href="javascript:' not in listing
    start = listing.index('href="/-/article/') + len('href="')
    page = dom(tmp_path, browse_url.rstrip("/") + listing[start : listing.index('"', start)])
    body_tag = page.split("<body")[1].split(">")[0]
    assert "data-xss" not in body_tag
    assert "<h1>&lt;script&gt;document.body.setAttribute" in page
    assert "&lt;img src=x onerror=" in page
    assert 'href="javascript:' not in page and 'href="data:' not in page
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in page


def test_a_port_in_use_is_one_line(capsys: pytest.CaptureFixture) -> None:
    from atnews_scraper.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        assert main(["browse", "--port", str(port), "--mongo-uri", "mongodb://127.0.0.1:9/"]) == 2
    assert capsys.readouterr().err == (
        f"atnews browse: error: --port {port}: port {port} on 127.0.0.1 is in use; "
        "choose another with --port\n"
    )
