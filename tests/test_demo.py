"""`make demo` (scripts/demo.sh): the bundled snapshot served by `atnews replay`, crawled into a
separate demo archive, offline, leaving nothing running."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from crawl_support import REPO

from atnews_scraper.ferretdb import free_port


@pytest.mark.slow
def test_demo_crawls_the_snapshot_into_its_own_archive(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    env = {
        **os.environ,
        "ATNEWS": f"{shlex.quote(sys.executable)} -m atnews_scraper.cli",
        "DEMO_HOME": str(home),
        "ATNEWS_DB_PORT": str(free_port()),
        "MONGODB_URI": "mongodb://127.0.0.1:9/",  # ignored: the demo uses its own store
    }
    done = subprocess.run(
        ["bash", "scripts/demo.sh"], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "articles: 40 new, 0 updated" in done.stdout
    assert f"the demo archive is in {home}; try:" in done.stdout
    assert f"atnews --home {home} stats --by month" in done.stdout
    assert (home / "db").is_dir()
    assert not (home / "run" / "ferretdb.json").exists()  # its database was stopped
