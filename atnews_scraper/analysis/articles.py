"""Reading articles from the store: one projected cursor, streamed in batches.

Sorting is the server's job (MongoDB uses its indexes, and a limit makes it keep only the top
rows). FerretDB 1.24 sorts by loading every matching document into its own memory (about 25 KiB
per article measured), so `atnews export`, which must stay in constant memory end to end, reads
in storage order unless asked to sort.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import OperationFailure

from atnews_scraper.analysis.fields import projection, select_fields
from atnews_scraper.database import ARTICLES
from atnews_scraper.errors import ConfigError

DEFAULT_SORT: list[tuple[str, int]] = [("published_at", -1)]
CURSOR_BATCH = 1000


def refused(exc: OperationFailure) -> ConfigError:
    """The server's reason for rejecting a filter, as a user error."""
    reason = (exc.details or {}).get("errmsg") or str(exc)
    return ConfigError(
        f"the database refused the filter: {reason}; "
        "check the operators against the MongoDB query documentation"
    )


def articles(database: Database) -> Collection:
    return database[ARTICLES]


def with_tiebreak(sort: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """The sort keys plus ``url`` so that equal keys still come out in one stable order."""
    keys = list(sort)
    if all(name != "url" for name, _ in keys):
        keys.append(("url", 1))
    return keys


def find_documents(
    database: Database,
    query: Mapping[str, Any],
    fields: Sequence[str] | None,
    sort: Sequence[tuple[str, int]] | None = DEFAULT_SORT,
    limit: int = 0,
) -> Iterator[dict[str, Any]]:
    """Stored documents (datetimes kept) matching the filter; only ``fields`` when given.

    ``sort=None`` reads in storage order, without a server-side sort.
    """
    cursor = articles(database).find(
        dict(query),
        projection(fields) if fields else {"_id": 0},
        sort=with_tiebreak(sort) if sort else None,
        limit=limit,
        batch_size=CURSOR_BATCH,
    )
    try:
        for document in cursor:
            yield select_fields(document, fields) if fields else document
    except OperationFailure as exc:
        raise refused(exc) from None
    finally:
        cursor.close()


def count_matching(database: Database, query: Mapping[str, Any]) -> int:
    try:
        return articles(database).count_documents(dict(query))
    except OperationFailure as exc:
        raise refused(exc) from None
