"""Every third-party module the installed code imports is a declared dependency, and every
declared dependency is imported (or named below with the reason it is declared anyway)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("atnews_scraper", "spiders", "pipelines")
OWN = {"atnews_scraper", "spiders", "pipelines"}
# Declared without a direct import, each for a reason.
DECLARED_UNIMPORTED = {
    "lxml-html-clean": "trafilatura (via jusText) imports lxml.html.clean at run time",
    "pandas": "the [analysis] extra: the pandas examples in README.md and docs/analysis.md",
}


def imported_modules(roots: tuple[str, ...] = SOURCES) -> dict[str, set[str]]:
    """Top-level module name -> the files importing it (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def third_party(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    return {
        name: files
        for name, files in modules.items()
        if name not in sys.stdlib_module_names and name not in OWN and name != "__future__"
    }


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for name, extra in project.get("optional-dependencies", {}).items():
        if name != "dev":
            requirements += extra
    return {normalise(re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0]) for line in requirements}


def undeclared(modules: dict[str, set[str]], declared: set[str]) -> list[str]:
    """One line per imported module that no declared distribution provides."""
    providers = packages_distributions()
    problems = []
    for module, files in sorted(third_party(modules).items()):
        dists = {normalise(dist) for dist in providers.get(module, [])}
        if not dists & declared:
            where = ", ".join(sorted(files)[:3])
            problems.append(f"{module} (from {sorted(dists) or '?'}) imported in {where}")
    return problems


def test_every_imported_package_is_declared() -> None:
    assert undeclared(imported_modules(), declared_distributions()) == []


def test_every_declared_package_is_imported() -> None:
    providers = packages_distributions()
    imported = {
        normalise(dist)
        for module in third_party(imported_modules())
        for dist in providers.get(module, [])
    }
    unused = declared_distributions() - imported - set(DECLARED_UNIMPORTED)
    assert sorted(unused) == []


def test_every_declared_package_is_pinned_in_constraints() -> None:
    pins = {
        normalise(line.split("==")[0])
        for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
        if "==" in line
    }
    assert sorted(declared_distributions() - pins) == []


def test_an_undeclared_import_is_caught() -> None:
    modules = {"numpy": {"atnews_scraper/ingest/simhash.py"}, "json": {"x.py"}}
    assert undeclared(modules, {"scrapy"}) == [
        "numpy (from ['numpy']) imported in atnews_scraper/ingest/simhash.py"
    ]
