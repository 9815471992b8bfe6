"""The saved pages are exactly what fixtures/pages/_author.py writes from their specs.

The Sahifa article markup of these pages and of the synthetic site (fixtures/site, pinned by
test_sitegen.py) comes from one renderer, tooling/sitegen/sahifa.py; a change made there for one
of them must leave the other's bytes alone, or regenerate and review them.
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
NAMES = sorted(p.stem for p in (PAGES / "_specs").glob("*.json"))


@pytest.fixture(scope="module")
def author() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fixture_author", PAGES / "_author.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _text(name: str, data: bytes) -> list[str]:
    raw = gzip.decompress(data) if name.endswith(".gz") else data
    return raw.decode("latin-1").split("\n")


def test_every_spec_has_its_page() -> None:
    assert len(NAMES) == 41
    assert all((PAGES / f"{name}.html.gz").is_file() for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_page_regenerates_byte_identical(author: ModuleType, name: str) -> None:
    for file_name, data in author.render(name).items():
        committed = (PAGES / file_name).read_bytes()
        if data != committed:
            fresh, saved = _text(file_name, data), _text(file_name, committed)
            line = next(
                (n for n, pair in enumerate(zip(fresh, saved, strict=False)) if len(set(pair)) > 1),
                min(len(fresh), len(saved)),
            )
            first = (fresh[line : line + 1], saved[line : line + 1])
            pytest.fail(
                f"{file_name} line {line + 1} differs (generated, committed): {first}; "
                f"run .venv/bin/python fixtures/pages/_author.py {name} and review the diff"
            )
