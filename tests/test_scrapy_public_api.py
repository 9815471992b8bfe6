"""The project uses Scrapy's public API only: a Scrapy upgrade must not break it silently.

Every module of the installed code (atnews_scraper/, spiders/, pipelines/) is parsed, and these
are reported with their file and line:
- an import of a private Scrapy module or name (``from scrapy.utils.misc import _load_objects``);
- a string naming a private Scrapy path (``"scrapy.core._x.Y"`` in a setting);
- ``x._name`` where Scrapy defines a private ``_name`` (``RetryMiddleware._retry``,
  ``downloader._latercall``) and the project does not (its own private names are its business);
- the Scrapy internals the crawl once used, whatever their spelling, and a setting Scrapy no
  longer reads.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
import scrapy

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("atnews_scraper", "spiders", "pipelines")

# Internal state of Scrapy's downloader and AutoThrottle, and a setting Scrapy 2.19 ignores.
INTERNAL_ATTRIBUTES = frozenset({"latercall", "per_slot_settings", "mindelay", "maxdelay"})
RETIRED_SETTINGS = frozenset({"REQUEST_FINGERPRINTER_IMPLEMENTATION"})


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def scrapy_private_path(path: str) -> bool:
    parts = path.split(".")
    return parts[0] == "scrapy" and any(is_private(part) for part in parts[1:])


def project_modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (REPO / package).rglob("*.py"))


def defined_names(tree: ast.AST) -> Iterator[str]:
    """The names a module defines: functions, classes, variables, attributes it assigns."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            yield node.attr
        elif isinstance(node, ast.arg):
            yield node.arg
        elif isinstance(node, ast.alias) and not is_private(node.name.split(".")[-1]):
            yield node.asname or node.name


@functools.cache
def scrapy_private_names() -> frozenset[str]:
    """The private names the installed Scrapy defines (its methods, attributes, functions)."""
    source = Path(scrapy.__file__).parent
    return frozenset(
        name
        for path in source.rglob("*.py")
        for name in defined_names(ast.parse(path.read_text(encoding="utf-8")))
        if is_private(name)
    )


def uses(path: Path, tree: ast.AST, own: frozenset[str]) -> Iterator[str]:
    """Each use of a private or internal Scrapy name in one module, as "file:line: what"."""
    where = path.relative_to(REPO)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "scrapy":
            module = node.module or ""
            if scrapy_private_path(module):
                yield f"{where}:{line}: import from private module {module}"
            for alias in node.names:
                if is_private(alias.name):
                    yield f"{where}:{line}: import of private {module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if scrapy_private_path(alias.name):
                    yield f"{where}:{line}: import of private module {alias.name}"
        elif isinstance(node, ast.Attribute):
            if node.attr in INTERNAL_ATTRIBUTES:
                yield f"{where}:{line}: Scrapy internal .{node.attr}"
            elif node.attr in scrapy_private_names() - own:
                yield f"{where}:{line}: private Scrapy attribute .{node.attr}"
        elif isinstance(node, ast.Name) and node.id in RETIRED_SETTINGS:
            yield f"{where}:{line}: {node.id}, a setting Scrapy no longer reads"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in RETIRED_SETTINGS:
                yield f"{where}:{line}: {node.value}, a setting Scrapy no longer reads"
            elif scrapy_private_path(node.value):
                yield f"{where}:{line}: private Scrapy path {node.value!r}"


def private_uses(modules: list[Path]) -> list[str]:
    trees = {path: ast.parse(path.read_text(), str(path)) for path in modules}
    own = frozenset(name for tree in trees.values() for name in defined_names(tree))
    return [use for path, tree in trees.items() for use in uses(path, tree, own)]


def test_the_project_uses_no_private_scrapy_api() -> None:
    modules = project_modules()
    assert len(modules) > 20  # the walk found the code
    assert private_uses(modules) == []


SNIPPETS = [
    ("from scrapy.utils.misc import _load_objects\n", "import of private"),
    ("import scrapy.core._x\n", "import of private module scrapy.core._x"),
    ("def f(downloader):\n    downloader._latercall(1)\n", "private Scrapy attribute ._latercall"),
    (
        "class M:\n    def f(self):\n        return self._retry(1)\n",
        "private Scrapy attribute ._retry",
    ),
    ("def f(slot):\n    slot.latercall = None\n", "Scrapy internal .latercall"),
    ("def f(at):\n    at.mindelay = 1\n", "Scrapy internal .mindelay"),
    ("def f(d):\n    d.per_slot_settings['a'] = {}\n", "Scrapy internal .per_slot_settings"),
    ('REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"\n', "no longer reads"),
    ('S = {"REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7"}\n', "no longer reads"),
    ('H = "scrapy.core._private.Handler"\n', "private Scrapy path"),
]


@pytest.mark.parametrize(("source", "reported"), SNIPPETS)
def test_each_kind_of_private_use_is_reported(
    tmp_path: Path, source: str, reported: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    module = tmp_path / "bad.py"
    module.write_text(source)
    [use] = private_uses([module])
    assert use.startswith("bad.py:") and reported in use


def test_the_projects_own_private_names_are_not_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(f"{__name__}.REPO", tmp_path)
    (tmp_path / "own.py").write_text(
        "class C:\n"
        "    def __init__(self):\n"
        "        self._seen = set()\n"
        "    def _count(self):\n"
        "        return len(self._seen)\n"
        "def f(c, point):\n"
        "    return c._count(), point._replace(x=1), c.__class__\n"
    )
    assert private_uses([tmp_path / "own.py"]) == []
