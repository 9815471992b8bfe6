"""Where an analyst command reads: the analysis index (default) or MongoDB (--from-mongo).

Both sources answer the same calls with the same values (stored documents with datetimes), so
a command's output does not depend on the source, except `search`, whose index ranking is
BM25 (see index/search.py).
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pymongo.database import Database

from atnews_scraper.analysis import articles as mongo_articles
from atnews_scraper.analysis import show as mongo_show
from atnews_scraper.analysis import stats as mongo_stats
from atnews_scraper.analysis.stats import Bucket, Coverage
from atnews_scraper.config import Config
from atnews_scraper.database import open_database
from atnews_scraper.errors import AtnewsError
from atnews_scraper.index import articles as index_articles
from atnews_scraper.index import show as index_show
from atnews_scraper.index import stats as index_stats
from atnews_scraper.index.access import current_index, index_path
from atnews_scraper.index.database import is_locked, locked
from atnews_scraper.urls import UrlRules

Say = Callable[[str], None]


class MongoSource:
    name = "mongo"

    def __init__(self, database: Database) -> None:
        self.database = database

    def count_matching(self, query: Mapping[str, Any]) -> int:
        return mongo_articles.count_matching(self.database, query)

    def find_documents(
        self,
        query: Mapping[str, Any],
        fields: Sequence[str] | None,
        sort: Sequence[tuple[str, int]] | None = mongo_articles.DEFAULT_SORT,
        limit: int = 0,
    ) -> Iterator[dict[str, Any]]:
        return mongo_articles.find_documents(self.database, query, fields, sort, limit)

    def count_by(self, by: str, query: Mapping[str, Any]) -> list[Bucket]:
        return mongo_stats.count_by(self.database, by, query)

    def coverage(self, query: Mapping[str, Any]) -> list[Coverage]:
        return mongo_stats.coverage(self.database, query)

    def article(
        self, key: str, rules: UrlRules
    ) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        """(the stored document, its earlier versions as records, oldest first), or None."""
        document = mongo_show.find_article(self.database, key, rules)
        if document is None:
            return None
        return document, mongo_show.find_revisions(self.database, document)


class IndexSource:
    name = "index"

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    def _guard(self, job: Callable[[], Any]) -> Any:
        try:
            return job()
        except sqlite3.DatabaseError as exc:
            raise self._failure(exc) from None

    def _failure(self, exc: sqlite3.DatabaseError) -> AtnewsError:
        """A read that failed: locked, or a damaged file (removed: the next command rebuilds)."""
        if is_locked(exc):
            return locked(self.path)
        self.connection.close()
        self.path.unlink(missing_ok=True)
        return AtnewsError(
            f"the analysis index {self.path} is damaged ({exc}); it was removed and will be "
            "rebuilt from MongoDB: run the command again"
        )

    def count_matching(self, query: Mapping[str, Any]) -> int:
        return int(self._guard(lambda: index_articles.count_matching(self.connection, query)))

    def find_documents(
        self,
        query: Mapping[str, Any],
        fields: Sequence[str] | None,
        sort: Sequence[tuple[str, int]] | None = mongo_articles.DEFAULT_SORT,
        limit: int = 0,
    ) -> Iterator[dict[str, Any]]:
        documents = index_articles.find_documents(self.connection, query, fields, sort, limit)
        try:
            yield from documents
        except sqlite3.DatabaseError as exc:
            raise self._failure(exc) from None

    def count_by(self, by: str, query: Mapping[str, Any]) -> list[Bucket]:
        return list(self._guard(lambda: index_stats.count_by(self.connection, by, query)))

    def coverage(self, query: Mapping[str, Any]) -> list[Coverage]:
        return list(self._guard(lambda: index_stats.coverage(self.connection, query)))

    def article(
        self, key: str, rules: UrlRules
    ) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        def find() -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
            found = index_show.find_article(self.connection, key, rules)
            if found is None:
                return None
            mongo_id, document = found
            return document, index_show.find_revisions(self.connection, mongo_id)

        result: tuple[dict[str, Any], list[dict[str, Any]]] | None = self._guard(find)
        return result


Source = MongoSource | IndexSource


def open_source(config: Config, args: argparse.Namespace, say: Say) -> Source:
    """The index, brought up to date first; MongoDB itself with --from-mongo."""
    if getattr(args, "from_mongo", False):
        return MongoSource(open_database(config, say=say))
    return IndexSource(current_index(config, args, say), index_path(config, args))
