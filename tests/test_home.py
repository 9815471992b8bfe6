"""One archive per user: the data directory does not depend on where a command runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from atnews_scraper.cli import main
from atnews_scraper.config import load_config

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def no_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No ATNEWS_HOME / ATNEWS_VAR_DIR; XDG data dir and cwd inside tmp_path. Returns the cwd."""
    for name in ("ATNEWS_HOME", "ATNEWS_VAR_DIR", "ATNEWS_DB_DIR", "MONGODB_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    cwd = tmp_path / "work"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def test_default_is_the_user_data_dir_and_no_var_is_created(no_home: Path, tmp_path: Path) -> None:
    config = load_config()
    assert config.var_dir == tmp_path / "xdg" / "atnews"
    assert config.notice is None
    assert not (no_home / "var").exists()


def test_atnews_home_and_var_dir_choose_the_archive(
    no_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATNEWS_HOME", str(tmp_path / "home"))
    assert load_config().var_dir == tmp_path / "home"
    assert load_config(var_dir=tmp_path / "opt").var_dir == tmp_path / "opt"
    monkeypatch.setenv("ATNEWS_VAR_DIR", str(tmp_path / "old"))
    assert load_config().var_dir == tmp_path / "old"


def test_an_existing_var_store_in_the_cwd_is_used_with_a_notice(no_home: Path) -> None:
    (no_home / "var" / "db").mkdir(parents=True)
    config = load_config()
    assert config.var_dir == no_home / "var"
    assert config.notice == (
        f"atnews: using the archive in ./var ({no_home / 'var'}); the default is now "
        f"{Path(os.environ['XDG_DATA_HOME']) / 'atnews'}: move it there, or set ATNEWS_HOME "
        "to keep it here"
    )


def test_an_empty_var_dir_is_not_a_store(no_home: Path, tmp_path: Path) -> None:
    (no_home / "var").mkdir()
    assert load_config().var_dir == tmp_path / "xdg" / "atnews"


def test_db_status_shows_the_data_directory_from_anywhere(no_home: Path, tmp_path: Path) -> None:
    env = {**os.environ, "ATNEWS_FERRETDB_BIN": str(tmp_path / "none")}
    reports = []
    for cwd in (no_home, tmp_path):
        done = subprocess.run(
            [sys.executable, "-m", "atnews_scraper.cli", "db", "status", "--json"],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 3, done.stderr
        assert done.stdout.count("\n") == 1
        reports.append(json.loads(done.stdout))
    assert reports[0] == reports[1]
    assert reports[0]["home"] == str(tmp_path / "xdg" / "atnews")
    assert reports[0]["data_dir"] == str(tmp_path / "xdg" / "atnews" / "db")
    assert reports[0]["running"] is False
    assert not (no_home / "var").exists() and not (tmp_path / "var").exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_global_options_anywhere_on_the_command_line(
    where: str, no_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--home", str(tmp_path / "h")]
    argv = [*home, "db", "status"] if where == "before" else ["db", "status", *home]
    assert main(argv) == 3
    assert f"home: {tmp_path / 'h'}\n" in capsys.readouterr().out
    argv = ["--var-dir", str(tmp_path / "v"), "db", "status"]
    assert main(argv) == 3
    assert f"home: {tmp_path / 'v'}\n" in capsys.readouterr().out


def test_the_test_session_never_uses_the_real_home(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    home = Path(os.environ["ATNEWS_HOME"])
    assert tmp_path_factory.getbasetemp() in home.parents
