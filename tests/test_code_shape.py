"""The shape of the code (issue 14, "Done when"): small modules, each named in the architecture.

- No module under atnews_scraper/, spiders/ or pipelines/ holds more than 300 lines of logic
  (blank lines, comment-only lines and docstrings do not count) unless it says why near its top,
  in a line of the form ``Longer than 300 lines because ...``.
- Every module is named, with its one sentence, in docs/architecture.md.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

from crawl_support import REPO

PACKAGES = ("atnews_scraper", "spiders", "pipelines")
MAX_LOGIC_LINES = 300
REASON = "Longer than 300 lines because"
REASON_WITHIN = 20  # lines from the top of the file
ARCHITECTURE = REPO / "docs" / "architecture.md"

NOT_LOGIC = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
    tokenize.ENCODING,
}


def modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (REPO / package).rglob("*.py"))


def name(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def docstring_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.body[0] if node.body else None
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def logic_lines(source: str) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    code: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in NOT_LOGIC:
            code.update(range(token.start[0], token.end[0] + 1))
    return len(code - docstring_lines(ast.parse(source)))


def states_a_reason(source: str) -> bool:
    return any(REASON in line for line in source.splitlines()[:REASON_WITHIN])


def test_logic_lines_count_code_only() -> None:
    source = '''"""A module docstring
over two lines."""

# a comment
import os


def f(x):
    """A docstring."""
    return (x +  # a trailing comment counts as code
            1)
'''
    assert logic_lines(source) == 4  # import, def, and the two lines of the return


def test_no_long_module_without_a_reason() -> None:
    too_long = {}
    for path in modules():
        source = path.read_text(encoding="utf-8")
        count = logic_lines(source)
        if count > MAX_LOGIC_LINES and not states_a_reason(source):
            too_long[name(path)] = count
    assert too_long == {}, (
        f"modules over {MAX_LOGIC_LINES} lines of logic: split them by job, or say why in a line "
        f"'{REASON} ...' within their first {REASON_WITHIN} lines"
    )


def named_by_the_architecture(path: Path) -> bool:
    """A package's __init__.py that only marks the package or re-exports needs no sentence."""
    if path.name != "__init__.py":
        return True
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return any(isinstance(node, definitions) for node in ast.parse(path.read_text()).body)


def test_every_module_is_named_in_the_architecture() -> None:
    architecture = ARCHITECTURE.read_text(encoding="utf-8")
    unnamed = [
        name(path)
        for path in modules()
        if named_by_the_architecture(path) and f"`{name(path)}`" not in architecture
    ]
    assert unnamed == [], "docs/architecture.md names every module with one sentence"
