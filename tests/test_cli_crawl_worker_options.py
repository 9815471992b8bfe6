"""`atnews worker` takes the crawl's run options as `atnews crawl` declares them: one
definition (crawl/options.py), the same help, defaults and error lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from crawl_support import BAD_SHARED_OPTIONS

from atnews_scraper.cli import main

SHARED = ("--site-url", "--full", "--refresh", "--since", "--no-polite", "--sources", "--timeout")


def option_help(command: str, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """Each option's entry in `atnews COMMAND --help` (flags, metavar, help), by its flag."""
    with pytest.raises(SystemExit):
        main([command, "--help"])
    entries = re.split(r"\n  (?=-)", capsys.readouterr().out.split("\noptions:\n", 1)[1])
    return {entry.split()[0].rstrip(","): " ".join(entry.split()) for entry in entries}


def test_the_worker_documents_the_crawl_options_as_the_crawl_does(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # no wrapping: one line per option
    crawl = option_help("crawl", capsys)
    worker = option_help("worker", capsys)
    assert {flag: worker.get(flag) for flag in SHARED} == {flag: crawl[flag] for flag in SHARED}
    assert crawl["--timeout"] == "--timeout SECONDS per-request timeout (default: 30)"
    assert crawl["--log-file"] == "--log-file PATH log file (default: VAR_DIR/log/crawl.log)"
    assert worker["--log-file"] == "--log-file PATH log file (default: VAR_DIR/log/worker-ID.log)"
    assert worker["--json"].startswith(crawl["--json"])  # the store group follows in the worker's


@pytest.mark.parametrize(
    ("args", "message"),
    [
        *BAD_SHARED_OPTIONS,
        (["--rate", "0"], "--rate: must be greater than 0 (got 0)"),
        (["--concurrency", "0"], "--concurrency: must be greater than 0 (got 0)"),
    ],
)
def test_bad_worker_options_are_the_crawls_error_lines(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["worker", "--var-dir", str(tmp_path), *args])
    assert code == 2
    assert capsys.readouterr().err == f"atnews worker: error: {message}\n"
