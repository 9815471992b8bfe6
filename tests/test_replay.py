"""The replay server answers from a snapshot exactly as a web server would."""

from __future__ import annotations

import http.client
import json
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from atnews_scraper.replay import PortInUse, ReplayServer, SnapshotError, SnapshotWriter, iter_log
from atnews_scraper.replay.snapshot import HTML, MANIFEST_NAME, file_name_for, url_key

FIXTURE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
SCO = "/sco-summit-putins-meeting-with-ebrahim-raisi-and-xi-jinping-in-samarkand/"
SCO_MODIFIED = "Thu, 15 Sep 2022 05:50:00 GMT"

Response = tuple[int, http.client.HTTPResponse, bytes]


@pytest.fixture(scope="module")
def server() -> Iterator[ReplayServer]:
    with ReplayServer(FIXTURE_SITE) as replay:
        yield replay


def fetch(
    server: ReplayServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> Response:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response, body


def fixture_bytes(path: str) -> bytes:
    return (FIXTURE_SITE / path.strip("/") / "index.html").read_bytes()


# -- plain serving -----------------------------------------------------------------------------


def test_article_is_served_with_its_headers(server: ReplayServer) -> None:
    status, response, body = fetch(server, SCO)
    assert status == 200
    assert response.getheader("Content-Type") == "text/html; charset=UTF-8"
    assert response.getheader("Content-Length") == str(len(body))
    assert response.getheader("Last-Modified") == SCO_MODIFIED
    assert response.getheader("ETag", "").startswith('"')
    assert response.getheader("Server", "").startswith("atnews-replay")
    assert body == fixture_bytes(SCO)


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=UTF-8"),
        ("/feed/", "application/rss+xml; charset=UTF-8"),
        ("/category/latest/feed/", "application/rss+xml; charset=UTF-8"),
        ("/wp-sitemap.xml", "application/xml; charset=UTF-8"),
        ("/wp-sitemap-posts-post-1.xml", "application/xml; charset=UTF-8"),
        ("/robots.txt", "text/plain; charset=UTF-8"),
        ("/category/latest/page/3/", "text/html; charset=UTF-8"),
    ],
)
def test_content_types(server: ReplayServer, path: str, content_type: str) -> None:
    status, response, _ = fetch(server, path)
    assert (status, response.getheader("Content-Type")) == (200, content_type)


def test_path_without_trailing_slash_redirects(server: ReplayServer) -> None:
    status, response, body = fetch(server, SCO.rstrip("/"))
    assert (status, body) == (301, b"")
    assert response.getheader("Location") == server.url.rstrip("/") + SCO
    status, response, _ = fetch(server, "/category/latest/page/2")
    assert status == 301
    assert response.getheader("Location") == f"{server.url}category/latest/page/2/"


def test_page_one_redirects_to_the_archive(server: ReplayServer) -> None:
    status, response, _ = fetch(server, "/category/latest/page/1/")
    assert (status, response.getheader("Location")) == (301, f"{server.url}category/latest/")
    status, response, _ = fetch(server, "/page/1/?s=kabul")
    assert (status, response.getheader("Location")) == (301, f"{server.url}?s=kabul")


def test_shortlink_redirects_to_the_article(server: ReplayServer) -> None:
    status, response, _ = fetch(server, "/?p=24159")
    assert status == 301
    assert response.getheader("Location") == server.url.rstrip("/") + SCO


def test_unknown_paths_are_404(server: ReplayServer) -> None:
    for path in ("/no-such-article/", "/no-such-article", "/?p=1", "/category/latest/page/4/"):
        status, response, body = fetch(server, path)
        assert status == 404, path
        assert b'<h2 class="post-title">Not Found</h2>' in body
        assert response.getheader("Content-Length") == str(len(body))


def test_search(server: ReplayServer) -> None:
    status, _, body = fetch(server, "/?s=kabul")
    assert status == 200
    assert b'<h1 class="page-title">Search Results for: kabul</h1>' in body
    assert fetch(server, "/page/2/?s=kabul")[0] == 200
    assert fetch(server, "/?s=nothinglikethis")[0] == 404


def test_ignored_query_parameters_serve_the_page(server: ReplayServer) -> None:
    status, _, body = fetch(server, SCO + "?utm_source=facebook&fbclid=abc")
    assert (status, body) == (200, fixture_bytes(SCO))


def test_percent_encoded_path(server: ReplayServer) -> None:
    status, _, body = fetch(server, SCO.replace("-", "%2D"))
    assert (status, body) == (200, fixture_bytes(SCO))


def test_head_sends_headers_only(server: ReplayServer) -> None:
    status, response, body = fetch(server, SCO, method="HEAD")
    assert (status, body) == (200, b"")
    assert response.getheader("Content-Length") == str(len(fixture_bytes(SCO)))


def test_other_methods_are_refused(server: ReplayServer) -> None:
    status, response, _ = fetch(server, SCO, method="POST")
    assert status == 405
    assert response.getheader("Allow") == "GET, HEAD"


def test_keep_alive_serves_several_requests_on_one_connection(server: ReplayServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    statuses = []
    for path in ("/", SCO, "/feed/", "/missing/"):
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    connection.close()
    assert statuses == [200, 200, 200, 404]


def test_concurrent_requests(server: ReplayServer) -> None:
    results: list[int] = []

    def worker() -> None:
        with urllib.request.urlopen(server.url + SCO.lstrip("/"), timeout=5) as response:
            results.append(response.status)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 8


# -- conditional requests ----------------------------------------------------------------------


def test_if_modified_since(server: ReplayServer) -> None:
    status, response, body = fetch(server, SCO, headers={"If-Modified-Since": SCO_MODIFIED})
    assert (status, body) == (304, b"")
    assert response.getheader("Last-Modified") == SCO_MODIFIED
    later = "Fri, 16 Sep 2022 00:00:00 GMT"
    assert fetch(server, SCO, headers={"If-Modified-Since": later})[0] == 304
    earlier = "Thu, 15 Sep 2022 05:49:59 GMT"
    assert fetch(server, SCO, headers={"If-Modified-Since": earlier})[0] == 200
    assert fetch(server, SCO, headers={"If-Modified-Since": "yesterday"})[0] == 200


def test_if_none_match(server: ReplayServer) -> None:
    etag = fetch(server, SCO)[1].getheader("ETag")
    assert etag is not None
    status, response, body = fetch(server, SCO, headers={"If-None-Match": etag})
    assert (status, body, response.getheader("ETag")) == (304, b"", etag)
    assert fetch(server, SCO, headers={"If-None-Match": f'"other", {etag}'})[0] == 304
    # If-None-Match wins over If-Modified-Since when both are sent.
    headers = {"If-None-Match": '"other"', "If-Modified-Since": SCO_MODIFIED}
    assert fetch(server, SCO, headers=headers)[0] == 200


# -- the request log ---------------------------------------------------------------------------


def test_requests_are_logged(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    with ReplayServer(FIXTURE_SITE, log_path=log) as replay:
        fetch(replay, SCO)
        fetch(replay, "/missing/", method="HEAD")
        logged = replay.requests
        replay.reset_log()
        assert replay.requests == []
    assert [(r["method"], r["path"], r["status"], r["fault"]) for r in logged] == [
        ("GET", SCO, 200, None),
        ("HEAD", "/missing/", 404, None),
    ]
    assert logged[0]["bytes"] == len(fixture_bytes(SCO))
    assert logged[1]["bytes"] == 0
    assert isinstance(logged[0]["time"], float)
    assert list(iter_log(log)) == logged
    assert json.loads(log.read_text().splitlines()[0])["path"] == SCO


# -- snapshots and errors ----------------------------------------------------------------------


def test_missing_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="does not exist"):
        ReplayServer(tmp_path / "nowhere")
    with pytest.raises(SnapshotError, match=r"has no manifest\.json"):
        ReplayServer(tmp_path)
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(SnapshotError, match="unreadable manifest"):
        ReplayServer(tmp_path)
    (tmp_path / MANIFEST_NAME).write_text('{"format": "other"}')
    with pytest.raises(SnapshotError, match="not an atnews-snapshot/1 manifest"):
        ReplayServer(tmp_path)
    entries = {"/a/": {"status": 200, "file": "a/index.html"}, "/b/": {"status": 200}}
    manifest = {"format": "atnews-snapshot/1", "entries": entries}
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(SnapshotError, match="entry '/b/' has no file"):
        ReplayServer(tmp_path)
    del entries["/b/"]
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(
        SnapshotError, match=r"1 file\(s\) of the manifest are missing, e.g. a/index"
    ):
        ReplayServer(tmp_path)


def test_port_in_use_is_a_clear_error(server: ReplayServer) -> None:
    with pytest.raises(PortInUse, match=f"cannot listen on 127.0.0.1:{server.port}"):
        ReplayServer(FIXTURE_SITE, port=server.port).start()


def test_a_recorded_site_is_served_the_same_way(tmp_path: Path) -> None:
    """Gzip-stored bodies, recorded ETags and absolute redirects on the site's own host."""
    writer = SnapshotWriter(tmp_path, "https://www.afghanistantimes.af/")
    writer.add("/some-story/", "<p>recorded</p>", HTML, compress=True)
    writer.add_redirect("/old-story/", "https://www.afghanistantimes.af/some-story/")
    writer.add_redirect("/elsewhere/", "https://example.org/x", status=302)
    writer.add_redirect("/mirror/", "https://afghanistantimes.media/some-story", status=302)
    writer.write()
    with ReplayServer(tmp_path) as replay:
        status, response, body = fetch(replay, "/some-story/")
        assert (status, body, response.getheader("Last-Modified")) == (
            200,
            b"<p>recorded</p>",
            None,
        )
        assert fetch(replay, "/old-story/")[1].getheader("Location") == f"{replay.url}some-story/"
        assert fetch(replay, "/elsewhere/")[1].getheader("Location") == "https://example.org/x"
        assert fetch(replay, "/mirror/")[1].getheader("Location") == f"{replay.url}some-story"
    assert (tmp_path / "some-story" / "index.html.gz").is_file()


def test_a_recorded_response_keeps_its_validators(tmp_path: Path) -> None:
    writer = SnapshotWriter(tmp_path, "https://www.afghanistantimes.af/")
    headers = {
        "content-type": "text/html; charset=UTF-8",
        "Last-Modified": "Thu, 15 Sep 2022 05:50:00 GMT",
        "ETag": '"abc123"',
        "Set-Cookie": "session=1",
    }
    writer.add_recorded("/story/", 200, headers, b"<p>live</p>")
    writer.add_recorded("/?p=7", 301, {"Location": "https://www.afghanistantimes.af/story/"}, b"")
    writer.write()
    with ReplayServer(tmp_path) as replay:
        status, response, body = fetch(replay, "/story/")
        assert (status, body) == (200, b"<p>live</p>")
        assert response.getheader("ETag") == '"abc123"'
        assert response.getheader("Last-Modified") == "Thu, 15 Sep 2022 05:50:00 GMT"
        assert response.getheader("Set-Cookie") is None
        assert fetch(replay, "/story/", headers={"If-None-Match": '"abc123"'})[0] == 304
        assert fetch(replay, "/?p=7")[1].getheader("Location") == f"{replay.url}story/"


@pytest.mark.parametrize(
    ("key", "content_type", "name"),
    [
        ("/", HTML, "index.html"),
        ("/a/b/", HTML, "a/b/index.html"),
        ("/feed/", "application/rss+xml", "feed/index.xml"),
        ("/wp-sitemap.xml", "application/xml", "wp-sitemap.xml"),
        ("/page/2/?s=kabul", HTML, "page/2/index@s=kabul.html"),
        ("/caf\u00e9/", HTML, "caf%C3%A9/index.html"),
    ],
)
def test_file_names(key: str, content_type: str, name: str) -> None:
    assert file_name_for(key, content_type) == name


def test_url_keys_sort_query_parameters() -> None:
    assert url_key("/page/2/", "s=kabul&a=1") == "/page/2/?a=1&s=kabul"
    assert url_key("/caf%C3%A9/") == "/caf\u00e9/"
    assert url_key("") == "/"
