"""mypy checks spiders/ and pipelines/ under the names they install as (atnews_scraper.spiders,
atnews_scraper.pipelines): typecheck/ links each mapped folder in, and [tool.mypy] reads them
there, so an import of them is typed (mypy follows neither package-dir nor the editable
install's finder)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_sees_every_mapped_folder_under_its_installed_name() -> None:
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    mapped = tool["setuptools"]["package-dir"]
    assert mapped == {"atnews_scraper.spiders": "spiders", "atnews_scraper.pipelines": "pipelines"}
    for name, folder in mapped.items():
        link = ROOT / "typecheck" / Path(*name.split("."))
        assert link.is_symlink() and link.resolve() == (ROOT / folder).resolve(), name
    mypy = tool["mypy"]
    assert (mypy["mypy_path"][0], mypy["explicit_package_bases"]) == ("typecheck", True)
    assert "typecheck/atnews_scraper" in mypy["files"]
    assert not {"spiders", "pipelines"} & set(mypy["files"])  # not twice, as top-level modules
