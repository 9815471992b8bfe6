"""What changed between an article's revisions, word by word (git's ``--word-diff`` style).

Removed words are shown as ``[-old-]``, added ones as ``{+new+}``, with a few unchanged words
around each change; whitespace alone is not a change.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

CONTEXT_WORDS = 3
TEXT_FIELDS = ("title", "byline", "body")
LIST_FIELDS = ("categories", "tags", "authors")


def word_diff(old: str, new: str, context: int = CONTEXT_WORDS) -> str:
    """The changes from ``old`` to ``new`` with ``context`` words around each; "" if none."""
    before, after = old.split(), new.split()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    parts: list[str] = []
    last_end = 0  # in ``before``: how far the text has been shown
    for group in matcher.get_grouped_opcodes(context):
        if group[0][1] > last_end:
            parts.append("...")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                parts.append(" ".join(before[i1:i2]))
                continue
            change = ""
            if i2 > i1:
                change += "[-" + " ".join(before[i1:i2]) + "-]"
            if j2 > j1:
                change += "{+" + " ".join(after[j1:j2]) + "+}"
            parts.append(change)
        last_end = group[-1][2]
    if parts and last_end < len(before):
        parts.append("...")
    return _join(parts)


def _join(parts: list[str]) -> str:
    """Words joined by spaces, but a change sticks to the text it replaces, as git shows it."""
    text = ""
    for part in parts:
        if not part:
            continue
        sticky = part.startswith(("[-", "{+")) and text.endswith(("-]", "+}"))
        text += part if not text or sticky else " " + part
    return text


def list_change(old: Sequence[Any] | None, new: Sequence[Any] | None) -> str:
    gone = [str(v) for v in old or [] if v not in (new or [])]
    added = [str(v) for v in new or [] if v not in (old or [])]
    said = (["added " + ", ".join(added)] if added else []) + (
        ["removed " + ", ".join(gone)] if gone else []
    )
    return "; ".join(said)


def revision_diffs(versions: Sequence[Mapping[str, Any]], current: bool = False) -> list[str]:
    """A line per changed field for each pair of consecutive versions (oldest first)."""
    lines: list[str] = []
    for index, (old, new) in enumerate(itertools.pairwise(versions)):
        label = " (current)" if current and index == len(versions) - 2 else ""
        lines.append(f"revision {old.get('revision', '?')} -> {new.get('revision', '?')}{label}:")
        changed = [
            (name, word_diff(str(old.get(name) or ""), str(new.get(name) or "")))
            for name in TEXT_FIELDS
        ] + [(name, list_change(old.get(name), new.get(name))) for name in LIST_FIELDS]
        shown = [f"  {name + ':':<8}{change}" for name, change in changed if change]
        lines += shown or ["  no change in title, byline, body, categories, tags or authors"]
    return lines
