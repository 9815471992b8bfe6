"""The replay server answers from a snapshot exactly as a web server would."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from atnews_scraper.replay import ReplayServer

FIXTURE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
SCO = "/sco-summit-putins-meeting-with-ebrahim-raisi-and-xi-jinping-in-samarkand/"


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(FIXTURE_SITE) as replay:
        yield replay


def fetch(
    server: ReplayServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPResponse, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response, body


def test_article_is_served_with_its_headers(server: ReplayServer) -> None:
    status, response, body = fetch(server, SCO)
    assert status == 200
    assert response.getheader("Content-Type") == "text/html; charset=UTF-8"
    assert response.getheader("Content-Length") == str(len(body))
    assert response.getheader("Last-Modified") == "Thu, 15 Sep 2022 05:50:00 GMT"
    assert body == (FIXTURE_SITE / SCO.strip("/") / "index.html").read_bytes()


def test_path_without_trailing_slash_redirects(server: ReplayServer) -> None:
    status, response, _ = fetch(server, SCO.rstrip("/"))
    assert status == 301
    assert response.getheader("Location") == server.url.rstrip("/") + SCO


def test_unknown_path_is_404(server: ReplayServer) -> None:
    status, _, body = fetch(server, "/no-such-article/")
    assert status == 404
    assert b'<h2 class="post-title">Not Found</h2>' in body
