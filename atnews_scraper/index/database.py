"""Opening the index file: created with its schema, locked or corrupt files said plainly."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from atnews_scraper.errors import AtnewsError, LockHeld
from atnews_scraper.index.schema import DDL, SCHEMA_VERSION

BUSY_TIMEOUT_S = 10.0


class IndexCorrupt(AtnewsError):
    """The file is not a readable index: it is rebuilt from MongoDB, never trusted."""


def regexp(pattern: str, value: object) -> bool:
    """SQLite's REGEXP (``value REGEXP pattern``); the pattern may start with (?flags)."""
    return isinstance(value, str) and re.search(pattern, value) is not None


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    connection.create_function("regexp", 2, regexp, deterministic=True)
    return connection


def create(path: Path) -> sqlite3.Connection:
    connection = connect(path)
    connection.executescript(DDL)
    set_meta(connection, "schema_version", str(SCHEMA_VERSION))
    return connection


def read_meta(connection: sqlite3.Connection) -> dict[str, str]:
    return dict(connection.execute("SELECT key, value FROM index_meta").fetchall())


def set_meta(connection: sqlite3.Connection, key: str, value: str) -> None:
    connection.execute(
        "INSERT INTO index_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def is_locked(exc: sqlite3.Error) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def locked(path: Path) -> LockHeld:
    return LockHeld(
        f"the analysis index {path} is locked by another process (a sync or rebuild); "
        "try again when it has finished"
    )


def open_existing(path: Path) -> tuple[sqlite3.Connection, dict[str, str]]:
    """The index and its meta values; IndexCorrupt when the file is not a usable index."""
    try:
        connection = connect(path)
        meta = read_meta(connection)
        connection.execute("SELECT id FROM articles LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        if is_locked(exc):
            raise locked(path) from None
        raise IndexCorrupt(f"{path} is not a readable analysis index ({exc})") from None
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        connection.close()
        raise IndexCorrupt(
            f"{path} has schema {meta.get('schema_version')!r}, not {SCHEMA_VERSION}"
        )
    return connection, meta
