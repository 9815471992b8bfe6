"""`atnews replay`: serves in the foreground, prints its URL, stops cleanly, clear errors."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from atnews_scraper.cli import main
from atnews_scraper.replay import ReplayServer

FIXTURE_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
ATNEWS = [sys.executable, "-m", "atnews_scraper.cli"]


@pytest.fixture
def running(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [
            *ATNEWS,
            "replay",
            str(FIXTURE_SITE),
            "--log",
            str(tmp_path / "log.jsonl"),
            "--fault",
            "503,retry-after=3@/feed/",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serves_with_faults_until_signalled(
    running: subprocess.Popen[str], tmp_path: Path, signum: signal.Signals
) -> None:
    assert running.stdout is not None
    url = running.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url + "robots.txt", timeout=5) as response:
        assert response.status == 200
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url + "feed/", timeout=5)
    assert (caught.value.code, caught.value.headers["Retry-After"]) == (503, "3")
    running.send_signal(signum)
    _, err = running.communicate(timeout=10)
    assert running.returncode == 0
    assert "faults: 503@/feed/; random rate 0 (seed 0) of 500, 503, 429, drop, truncate" in err
    assert err.strip().splitlines()[-1] == "stopped after 2 request(s)"
    logged = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [(r["path"], r["status"]) for r in logged] == [("/robots.txt", 200), ("/feed/", 503)]


def test_missing_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"atnews replay: error: no snapshot at {tmp_path / 'nowhere'}")
    assert len(err.strip().splitlines()) == 1


def test_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with ReplayServer(FIXTURE_SITE) as busy:
        port = busy.port
        assert main(["replay", str(FIXTURE_SITE), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err
    assert "choose another --port" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--log", "/nonexistent/dir/log.jsonl"], "cannot write the request log /nonexistent"),
        (["--fault", "sometimes@/x/"], "fault 'sometimes@/x/' not understood"),
        (["--fault-rate", "-0.1"], "fault rate -0.1 is outside 0..1"),
    ],
)
def test_bad_options(options: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(FIXTURE_SITE), *options]) == 2
    assert message in capsys.readouterr().err
