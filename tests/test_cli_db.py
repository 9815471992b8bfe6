"""`atnews db start | stop | status` on a private var dir, and the CLI's error lines."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from atnews_scraper.cli import main
from atnews_scraper.ferretdb import free_port

REPO = Path(__file__).resolve().parent.parent


def test_help_lists_every_command_with_a_description(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("crawl", "db", "extract", "fixtures", "replay", "reparse", "query", "search"):
        assert f"\n    {command} " in out
    assert "export" in out and "stats" in out and "show" in out


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["db", "status", "--bogus"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


def test_db_start_status_stop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    var = ["--var-dir", str(tmp_path / "var")]
    port = free_port()
    assert main(["db", "start", "--port", str(port), *var]) == 0
    assert f"started: mongodb://127.0.0.1:{port}/" in capsys.readouterr().err
    try:
        assert main(["db", "start", *var]) == 0
        assert f"already running: mongodb://127.0.0.1:{port}/" in capsys.readouterr().err
        assert main(["db", "status", *var]) == 0
        out = capsys.readouterr().out
        assert f"embedded database: running at mongodb://127.0.0.1:{port}/" in out
        assert "database atnews: articles 0" in out
    finally:
        assert main(["db", "stop", *var]) == 0
    assert "stopped" in capsys.readouterr().err
    assert main(["db", "status", *var]) == 3
    assert "embedded database: not running" in capsys.readouterr().out


def test_port_in_use_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["db", "start", "--port", str(port), "--var-dir", str(tmp_path)])
    assert code == 2
    assert capsys.readouterr().err == (
        f"atnews db: error: port {port} on 127.0.0.1 is in use: choose another with --port, "
        "or leave --port out to pick a free one\n"
    )


def test_missing_ferretdb_binary_says_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.setenv("ATNEWS_FERRETDB_BIN", str(tmp_path / "nope" / "ferretdb"))
    assert main(["db", "start", "--var-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("atnews db: error: FerretDB is not built (")
    assert "run `make setup`" in err


def test_wrong_mongodb_uri_is_one_line_with_password_hidden(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv(
        "MONGODB_URI", f"mongodb://ann:hunter2@127.0.0.1:{port}/?serverSelectionTimeoutMS=300"
    )
    assert main(["db", "status"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "hunter2" not in err
    assert f"cannot reach the database at mongodb://ann:***@127.0.0.1:{port}/" in err


def test_install_script_without_go_says_what_to_do(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    assert bash is not None
    env = {"PATH": "/nonexistent", "ATNEWS_TOOLS_DIR": str(tmp_path / "tools")}
    result = subprocess.run(
        [bash, str(REPO / "scripts" / "install-ferretdb.sh")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: Go is not installed, and it is needed once to build")
    assert os.listdir(tmp_path) == []
