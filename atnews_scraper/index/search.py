"""Full-text search on the index: FTS5 over title and body, ranked by BM25, with a snippet.

The words typed are all required unless OR is written between them; ``"a phrase"`` matches the
words in that order; ``NOT word`` excludes; ``word*`` matches words starting so; parentheses
group. Words are matched after stemming (``elections`` finds ``election``). Each word is quoted
before it reaches FTS5, so punctuation in a word never becomes FTS5 syntax. A title match
weighs ``TITLE_WEIGHT`` times a body match.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from atnews_scraper.errors import ConfigError
from atnews_scraper.index.query_sql import to_condition
from atnews_scraper.index.schema import document_from_json

TITLE_WEIGHT = 3.0
SNIPPET_WORDS = 16
HIGHLIGHT = ("**", "**")
OPERATORS = ("AND", "OR", "NOT")
TOKEN = re.compile(r'"[^"]*"\*?|\(|\)|[^\s()"]+|"')
SYNTAX_HELP = 'write words, "a phrase", OR, NOT, or a prefix* (e.g. taliban NOT kabul)'


@dataclass(frozen=True)
class IndexSearchResult:
    score: float
    document: dict[str, Any]
    snippet: str


def fts_query(text: str) -> str:
    """The user's search as an FTS5 query: every word quoted, operators and groups kept."""
    parts: list[str] = []
    has_word = False
    for token in TOKEN.findall(text):
        if token == '"':
            raise ConfigError(f"search: {text!r} has an unclosed quote; {SYNTAX_HELP}")
        if token in OPERATORS or token in ("(", ")"):
            parts.append(token)
            continue
        prefix = token.endswith("*")
        word = token.rstrip("*").strip('"') if token.startswith('"') else token.rstrip("*")
        if not re.search(r"\w", word):
            continue
        has_word = True
        parts.append('"' + word.replace('"', "") + '"' + ("*" if prefix else ""))
    if not has_word:
        raise ConfigError('search: no words to search for; write e.g. atnews search "election"')
    return " ".join(parts)


def search(
    connection: sqlite3.Connection, text: str, base_filter: Mapping[str, Any], limit: int
) -> list[IndexSearchResult]:
    match = fts_query(text)
    where = to_condition(base_filter)
    start, end = HIGHLIGHT
    sql = (
        f"SELECT t.document, bm25(articles_fts, {TITLE_WEIGHT}, 1.0) AS rank, "
        f"snippet(articles_fts, -1, ?, ?, '…', {SNIPPET_WORDS}) "
        "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
        "JOIN article_texts t ON t.id = a.id "
        f"WHERE articles_fts MATCH ? AND ({where.text}) "
        "ORDER BY rank, a.published_at DESC, a.url LIMIT ?"
    )
    try:
        rows = connection.execute(sql, [start, end, match, *where.params, limit]).fetchall()
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc) or "syntax" in str(exc):
            raise ConfigError(
                f"search: {text!r} is not a valid search ({exc}); {SYNTAX_HELP}"
            ) from None
        raise
    results = []
    for document_text, rank, snippet in rows:
        document = document_from_json(document_text)
        shown = {name: document.get(name) for name in ("url", "title", "published_at")}
        results.append(IndexSearchResult(round(-rank, 3), shown, " ".join(snippet.split())))
    return results
