"""`pip install atnews` crawls and stores; the [analysis] extra adds pandas, pyarrow, matplotlib,
and a command that needs it names it when it is missing."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from crawl_support import REPO, SITE, store_args
from ingest_support import stored_urls

from atnews_scraper.config import Config
from atnews_scraper.replay import ReplayServer

ANALYSIS = ("pandas", "pyarrow", "matplotlib", "datasette", "uvicorn", "MarkupSafe")


def without_extras(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "tests" / "no_extras.py"), *args],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_extras_are_declared_and_pinned() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    core = {d.split("==")[0] for d in project["dependencies"]}
    assert not core & set(ANALYSIS)
    analysis = dict(d.split("==") for d in project["optional-dependencies"]["analysis"])
    assert set(analysis) == set(ANALYSIS)
    constraints = (REPO / "constraints.txt").read_text().splitlines()
    for name, version in analysis.items():
        assert f"{name}=={version}" in constraints


@pytest.mark.slow
def test_without_extras_a_crawl_stores(config: Config) -> None:
    with ReplayServer(SITE) as site:
        done = without_extras("crawl", "--json", "--no-polite", "--site-url", site.url,
                              *store_args(config))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(stored_urls(config)) == 40


@pytest.mark.parametrize(
    ("args", "needs"),
    [
        (["stats", "--plot", "x.png"], "atnews stats --plot needs matplotlib"),
        (["export", "x.parquet", "--format", "parquet"], "parquet export needs pyarrow"),
    ],
)
def test_a_command_that_needs_the_extra_names_it(
    analysis_store: list[str], tmp_path: Path, args: list[str], needs: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    done = without_extras(*args, *analysis_store)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"atnews {args[0]}: error: {needs}, which comes with the [analysis] extra: "
        "pip install 'atnews[analysis]' (in a checkout: make setup)"
    )
