"""Full-text search over titles and bodies: the server's text index, else a portable fallback.

Where the server has a text index (MongoDB with the index storage creates), ``$text`` is used and
results are ranked by MongoDB's ``textScore``. Support is detected by trying the query: any
server refusal (no text index, or no ``$text`` at all, as on FerretDB 1.24) selects the fallback.

Fallback: each search word becomes a case-insensitive regex matching the start of a word
(``\\belection`` also finds "elections"), over title and body; an article matches when it has
any word. Ranking, in Python: more distinct words found first, then the score
``TITLE_WEIGHT`` x matches in the title + matches in the body, then the newest. Only the best
``limit`` are kept while the cursor streams, so memory does not grow with the archive.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pymongo.database import Database
from pymongo.errors import OperationFailure

from atnews_scraper.analysis.articles import articles, refused
from atnews_scraper.errors import ConfigError
from atnews_scraper.sequences import unique

TITLE_WEIGHT = 3
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "to",
        "was",
        "were",
        "with",
    ]
)
RESULT_FIELDS = ("url", "title", "published_at")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@functools.total_ordering
@dataclass(frozen=True)
class _Descending:
    """A string that sorts in reverse, so that ties in a best-first ranking list URLs A to Z."""

    text: str

    def __lt__(self, other: _Descending) -> bool:
        return self.text > other.text


@dataclass(frozen=True)
class SearchResult:
    score: float
    document: dict[str, Any]


@dataclass(frozen=True)
class SearchOutcome:
    method: str  # "text-index" or "regex-fallback"
    results: list[SearchResult]


def search_words(text: str) -> list[str]:
    """Lower-cased distinct words of the query; stop words dropped unless nothing else is left."""
    words = unique(re.findall(r"\w[\w'-]*", text.lower()))
    if not words:
        raise ConfigError('search: no words to search for; write e.g. atnews search "election"')
    meaningful = [word for word in words if word not in STOPWORDS]
    return meaningful or words


def search(
    database: Database, text: str, base_filter: Mapping[str, Any], limit: int
) -> SearchOutcome:
    words = search_words(text)
    try:
        results = list(_text_index_search(database, " ".join(words), base_filter, limit))
    except OperationFailure:
        return SearchOutcome("regex-fallback", _regex_search(database, words, base_filter, limit))
    return SearchOutcome("text-index", results)


def _text_index_search(
    database: Database, text: str, base_filter: Mapping[str, Any], limit: int
) -> Iterator[SearchResult]:
    score = {"$meta": "textScore"}
    projection: dict[str, Any] = dict.fromkeys(RESULT_FIELDS, 1)
    projection |= {"_id": 0, "score": score}
    cursor = articles(database).find(
        {"$text": {"$search": text}, **base_filter},
        projection,
        sort=[("score", score)],
        limit=limit,
    )
    for document in cursor:
        yield SearchResult(round(float(document.pop("score")), 3), document)


def word_pattern(word: str) -> str:
    return r"\b" + re.escape(word)


def _regex_search(
    database: Database, words: list[str], base_filter: Mapping[str, Any], limit: int
) -> list[SearchResult]:
    any_word = [
        {field: {"$regex": word_pattern(word), "$options": "i"}}
        for word in words
        for field in ("title", "body")
    ]
    query = {"$and": [dict(base_filter), {"$or": any_word}]} if base_filter else {"$or": any_word}
    patterns = [re.compile(word_pattern(word), re.IGNORECASE) for word in words]
    projection = dict.fromkeys((*RESULT_FIELDS, "body"), 1) | {"_id": 0}
    # The position keeps entries comparable even if two had no URL; dicts never get compared.
    ranked: list[tuple[tuple[int, int, dt.datetime, _Descending], int, dict[str, Any]]] = []
    try:
        for position, document in enumerate(articles(database).find(query, projection)):
            distinct, score = rank(patterns, document)
            newest = document.get("published_at") or EPOCH
            key = (distinct, score, newest, _Descending(document.get("url") or ""))
            document.pop("body", None)
            entry = (key, -position, document)
            if len(ranked) < limit:
                heapq.heappush(ranked, entry)
            else:
                heapq.heappushpop(ranked, entry)
    except OperationFailure as exc:
        raise refused(exc) from None
    best = sorted(ranked, reverse=True)
    return [SearchResult(key[1], document) for key, _, document in best]


def rank(patterns: list[re.Pattern[str]], document: Mapping[str, Any]) -> tuple[int, int]:
    """(distinct words found, TITLE_WEIGHT x title matches + body matches)."""
    title = document.get("title") or ""
    body = document.get("body") or ""
    distinct = score = 0
    for pattern in patterns:
        in_title = len(pattern.findall(title))
        in_body = len(pattern.findall(body))
        distinct += 1 if in_title or in_body else 0
        score += TITLE_WEIGHT * in_title + in_body
    return distinct, score
