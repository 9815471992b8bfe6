"""`make eval`: extraction quality over the saved pages, against pinned minimums.

Prints per-field accuracy (share of pages whose field equals the expected record exactly) and
body token precision / recall / F1 (bag of words, summed over pages), for the extractor and for
its generic path alone (theme rules off: what a redesign gets); for context also the body figures
of plain `trafilatura.extract`. Fails when a figure falls below its minimum in
benchmarks/eval_minimums.json. `--pin` rewrites that file at the figures of this run (only after
a change that really makes a figure better or that was reviewed).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atnews_scraper.extract.article import extract_without_theme
from atnews_scraper.fixture_pages import SavedPage, saved_pages
from atnews_scraper.record import RECORD_FIELDS

MINIMUMS_FILE = Path(__file__).with_name("eval_minimums.json")
# Fields compared as a whole; `extraction` only by its method.
FIELDS = (*(f for f in RECORD_FIELDS if f != "extraction"), "extraction.method")


@dataclass
class TokenScore:
    common: int = 0
    predicted: int = 0
    expected: int = 0

    def add(self, expected: str, predicted: str) -> None:
        want, got = Counter(expected.split()), Counter(predicted.split())
        self.common += sum((want & got).values())
        self.predicted += sum(got.values())
        self.expected += sum(want.values())

    @property
    def precision(self) -> float:
        return self.common / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.common / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def field_value(record: dict[str, Any], name: str) -> Any:
    if name == "extraction.method":
        return (record.get("extraction") or {}).get("method")
    return record.get(name)


def evaluate(pages: list[SavedPage]) -> dict[str, Any]:
    """Every figure of one run, as a JSON-ready dict."""
    hits = dict.fromkeys(FIELDS, 0)
    generic_hits = dict.fromkeys(FIELDS, 0)
    body = TokenScore()
    generic_body = TokenScore()
    trafilatura_body = TokenScore()
    for page in pages:
        expected = page.expected()
        actual: dict[str, Any] = dict(page.extract())
        for name in FIELDS:
            hits[name] += field_value(expected, name) == field_value(actual, name)
        body.add(expected["body"], actual["body"])
        url = page.meta().get("url")
        generic: dict[str, Any] = dict(extract_without_theme(page.html(), url))
        for name in FIELDS:
            generic_hits[name] += field_value(expected, name) == field_value(generic, name)
        generic_body.add(expected["body"], generic["body"])
        trafilatura_body.add(expected["body"], _trafilatura_text(page.html(), url))
    count = len(pages)
    return {
        "pages": count,
        "field_accuracy": {name: hits[name] / count for name in FIELDS},
        "generic_field_accuracy": {name: generic_hits[name] / count for name in FIELDS},
        "body": body.figures(),
        "generic_body": generic_body.figures(),
        "trafilatura_body": trafilatura_body.figures(),
    }


def _trafilatura_text(html: bytes, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def below_minimums(figures: dict[str, Any], minimums: dict[str, Any]) -> list[str]:
    """One line per figure that fell below its pinned minimum."""
    failures = []
    for group, values in minimums.items():
        if not isinstance(values, dict):
            continue
        for name, minimum in values.items():
            value = figures.get(group, {}).get(name)
            if value is None:
                failures.append(f"{group}.{name}: no longer measured (minimum {minimum:.4f})")
            elif value + 1e-9 < minimum:
                failures.append(f"{group}.{name}: {value:.4f} < minimum {minimum:.4f}")
    return failures


def pinned(figures: dict[str, Any]) -> dict[str, Any]:
    """The minimums file content for these figures, rounded down to 4 decimals (trafilatura's
    own score is not a gate)."""
    return {
        group: {name: math.floor(value * 10_000) / 10_000 for name, value in figures[group].items()}
        for group in ("field_accuracy", "generic_field_accuracy", "body", "generic_body")
    }


def report(figures: dict[str, Any], minimums: dict[str, Any], out: Callable[[str], None]) -> None:
    out(f"extraction quality over {figures['pages']} saved page(s)")
    out(f"{'field':<22} {'accuracy':>8} {'minimum':>8}   {'generic path only':>17} {'minimum':>8}")
    for name, value in figures["field_accuracy"].items():
        minimum = minimums.get("field_accuracy", {}).get(name)
        shown = f"{minimum:.4f}" if minimum is not None else "-"
        generic = figures["generic_field_accuracy"][name]
        generic_minimum = minimums.get("generic_field_accuracy", {}).get(name)
        generic_shown = f"{generic_minimum:.4f}" if generic_minimum is not None else "-"
        out(f"{name:<22} {value:>8.4f} {shown:>8}   {generic:>17.4f} {generic_shown:>8}")
    out("")
    out(f"{'body tokens':<22} {'precision':>9} {'recall':>7} {'F1':>7}")
    for group, label in (
        ("body", "extractor"),
        ("generic_body", "generic path only"),
        ("trafilatura_body", "trafilatura.extract"),
    ):
        f = figures[group]
        out(f"{label:<22} {f['precision']:>9.4f} {f['recall']:>7.4f} {f['f1']:>7.4f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.eval_extraction")
    parser.add_argument("--pin", action="store_true", help="rewrite the minimums at this run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args(argv)
    pages = saved_pages()
    if not pages:
        print("no saved pages in fixtures/pages/", file=sys.stderr)
        return 2
    figures = evaluate(pages)
    minimums = json.loads(MINIMUMS_FILE.read_text()) if MINIMUMS_FILE.exists() else {}
    report(figures, minimums, print)
    if args.json:
        print(json.dumps(figures, indent=2))
    if args.pin:
        MINIMUMS_FILE.write_text(json.dumps(pinned(figures), indent=2) + "\n")
        print(f"pinned the minimums in {MINIMUMS_FILE}")
        return 0
    failures = below_minimums(figures, minimums)
    if failures:
        print("\nbelow the pinned minimums:")
        for line in failures:
            print(f"  {line}")
        return 1
    print("\nall figures at or above their pinned minimums")
    return 0


if __name__ == "__main__":
    sys.exit(main())
