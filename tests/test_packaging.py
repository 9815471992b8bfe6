"""What `pip install atnews` installs: the one package atnews_scraper, with the repository's
top-level spiders/ and pipelines/ inside it; never tooling/ (test tooling) or top-level
`spiders` / `pipelines` packages. Scrapy finds the spider from the repository root."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPED = {"atnews_scraper.spiders": "spiders", "atnews_scraper.pipelines": "pipelines"}


def setuptools_table() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]


def package_dirs() -> set[str]:
    """Every package of the project as it installs: atnews_scraper's subfolders, and the mapped
    top-level folders."""
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "atnews_scraper").rglob("__init__.py")
    }
    for name, folder in MAPPED.items():
        found |= {
            ".".join((name, *init.parent.relative_to(ROOT / folder).parts))
            for init in (ROOT / folder).rglob("__init__.py")
        }
    return found


def test_the_package_list_is_complete_and_holds_no_top_level_extras() -> None:
    table = setuptools_table()
    assert sorted(table["packages"]) == sorted(package_dirs())
    assert table["package-dir"] == MAPPED


def test_spiders_and_pipelines_import_inside_the_package_from_anywhere(tmp_path: Path) -> None:
    probe = (
        "import importlib.util as u;"
        "print(u.find_spec('atnews_scraper.spiders.atnews') is not None,"
        " u.find_spec('atnews_scraper.pipelines.store') is not None,"
        " u.find_spec('spiders'), u.find_spec('pipelines'), u.find_spec('tooling'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["True", "True", "None", "None", "None"]


def test_scrapy_lists_the_spider_from_the_repository_root() -> None:
    scrapy = Path(sys.executable).parent / "scrapy"
    done = subprocess.run(
        [str(scrapy), "list"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout.split()) == (0, ["atnews"]), done.stderr[-2000:]
