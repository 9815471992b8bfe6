"""`atnews extract` and `atnews fixtures`: output, error lines, exit codes."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from atnews_scraper.cli import main
from atnews_scraper.fixture_pages import PAGES_DIR, saved_pages

SEED = "sco-summit-putin-raisi-xi-samarkand"
SEED_URL = (
    "https://www.afghanistantimes.af/"
    "sco-summit-putins-meeting-with-ebrahim-raisi-and-xi-jinping-in-samarkand/"
)
PAGE = """<html><body class="postid-5"><article id="the-post"><div class="post-inner">
<h1 class="post-title">Local page</h1><div class="entry"><p>AT News</p><p>Herat: Text.</p></div>
</div></article></body></html>"""


def test_extract_prints_one_json_line_per_file_and_reports_bad_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = tmp_path / "local.html"
    local.write_text(PAGE, encoding="utf-8")
    (tmp_path / "empty.html").write_bytes(b"")
    files = [
        str(PAGES_DIR / f"{SEED}.html.gz"),
        str(tmp_path / "empty.html"),
        str(tmp_path / "missing.html"),
        str(local),
    ]
    code = main(["extract", *files])
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["url"] for r in records] == [SEED_URL, local.resolve().as_uri()]
    assert [r["post_id"] for r in records] == [records[0]["post_id"], 5]
    assert records[1]["body"] == "Herat: Text."
    assert err.splitlines() == [
        f"atnews extract: {tmp_path / 'empty.html'}: empty input: the page has no content; skipped",
        f"atnews extract: {tmp_path / 'missing.html'}: no such file; skipped",
        "atnews extract: 2 of 4 file(s) failed",
    ]


def test_extract_url_option_is_used_when_the_page_has_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = tmp_path / "local.html.gz"
    local.write_bytes(gzip.compress(PAGE.encode()))
    code = main(["extract", str(local), "--url", "http://afghanistantimes.af/local-page"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert json.loads(out)["url"] == "https://www.afghanistantimes.af/local-page/"


def copy_pages(tmp_path: Path, names: list[str]) -> Path:
    for page in saved_pages(PAGES_DIR, names):
        for path in (page.html_path, page.meta_path, page.expected_path):
            shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_fixtures_check_passes_then_shows_a_field_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = copy_pages(tmp_path, [SEED])
    assert main(["fixtures", "check", "--dir", str(pages)]) == 0
    assert capsys.readouterr().out == "1 of 1 saved page(s) match their expected records\n"

    expected_path = pages / f"{SEED}.expected.json"
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    title = expected["title"]
    expected["title"] = "Wrong title"
    expected_path.write_text(json.dumps(expected), encoding="utf-8")
    assert main(["fixtures", "check", "--dir", str(pages)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[:4] == [
        f"{SEED}: 1 field(s) differ",
        "  title:",
        '    expected: "Wrong title"',
        f"    actual:   {json.dumps(title, ensure_ascii=False)}",
    ]


def test_fixtures_regenerate_rewrites_the_expected_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = copy_pages(tmp_path, [SEED])
    expected_path = pages / f"{SEED}.expected.json"
    expected_path.write_text("{}", encoding="utf-8")
    assert main(["fixtures", "regenerate", "--dir", str(pages), SEED]) == 0
    record = json.loads(expected_path.read_text(encoding="utf-8"))
    assert record["url"] == SEED_URL
    assert main(["fixtures", "check", "--dir", str(pages)]) == 0
    assert main(["fixtures", "regenerate", "--dir", str(pages)]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"0 expected record(s) rewritten; review them with `git diff {pages}`"
    )


def test_fixtures_unknown_name_and_offline_record_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fixtures", "check", "--dir", str(tmp_path), "nope"]) == 2
    assert main(["fixtures", "record", "--dir", str(tmp_path), "http://127.0.0.1:9/story/"]) == 3
    err = capsys.readouterr().err.splitlines()
    assert (
        err[0]
        == f"atnews fixtures: error: no saved page named nope in {tmp_path}; see `ls {tmp_path}`"
    )
    assert err[1].startswith("atnews fixtures: error: cannot fetch http://127.0.0.1:9/story/: ")
    assert err[1].endswith("are you offline? (check the network and retry)")
    assert list(tmp_path.iterdir()) == []


def test_fixtures_record_saves_a_page_from_a_local_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import http.server
    import threading

    page = saved_pages(PAGES_DIR, [SEED])[0].html()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/sco-summit/"
    try:
        assert main(["fixtures", "record", "--dir", str(tmp_path), url]) == 0
    finally:
        server.shutdown()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "sco-summit.expected.json",
        "sco-summit.html.gz",
        "sco-summit.meta.json",
    ]
    assert gzip.decompress((tmp_path / "sco-summit.html.gz").read_bytes()) == page
    meta = json.loads((tmp_path / "sco-summit.meta.json").read_text(encoding="utf-8"))
    assert (meta["url"], meta["content_type"], meta["source"]) == (
        url,
        "text/html; charset=UTF-8",
        "recorded",
    )
    draft = json.loads((tmp_path / "sco-summit.expected.json").read_text(encoding="utf-8"))
    assert draft["url"] == SEED_URL
    assert main(["fixtures", "check", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "1 of 1 saved page(s) match their expected records"
    )
