"""Helpers for the ingest fault tests: a FerretDB server a test may stop, and what it stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from atnews_scraper.config import Config, load_config
from atnews_scraper.database import connect
from atnews_scraper.ferretdb import EmbeddedServer, free_port


@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A FerretDB of the test's own, that the test may stop and start."""
    server = EmbeddedServer(tmp_path / "db", tmp_path / "run", tmp_path / "log")
    yield server
    server.stop()


def private_config(server: EmbeddedServer, tmp_path: Path) -> Config:
    """The server started (on a new free port when it was stopped); its Config."""
    info = server.status() or server.start(port=free_port())
    return load_config(mongo_uri=info.uri, db_name="faults", var_dir=tmp_path / "var")


def stored_urls(config: Config) -> list[str]:
    """Every stored article URL, once per stored document (a duplicate would show twice)."""
    database = connect(str(config.mongo_uri), config.db_name)
    try:
        return sorted(a["url"] for a in database.articles.find({}, {"url": 1}))
    finally:
        database.client.close()
