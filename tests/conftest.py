"""Shared test fixtures: a throw-away FerretDB server, and a fresh database per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymongo.database import Database

from atnews_scraper.config import Config, load_config
from atnews_scraper.database import connect
from atnews_scraper.ferretdb import EmbeddedServer, ServerInfo, free_port

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def atnews_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No test (nor a command it runs) writes into the user's real archive."""
    home = tmp_path_factory.mktemp("atnews-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATNEWS_HOME", str(home))
        yield home


@pytest.fixture(autouse=True)
def analysis_index(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test's analysis index file of its own, outside its tmp_path (tests list what they
    write there)."""
    path = tmp_path_factory.mktemp("index") / "analysis-index.db"
    monkeypatch.setenv("ATNEWS_INDEX", str(path))
    return path


@pytest.fixture(scope="session")
def ferretdb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    """One real FerretDB server on a free port for the whole session (per xdist worker)."""
    base = tmp_path_factory.mktemp("ferretdb")
    server = EmbeddedServer(base / "db", base / "run", base / "log")
    # Not the default port: xdist workers starting at once would race for it.
    info = server.start(port=free_port())
    yield info
    server.stop()


@pytest.fixture
def mongo_uri(ferretdb_server: ServerInfo) -> str:
    return ferretdb_server.uri


@pytest.fixture
def database(mongo_uri: str) -> Iterator[Database]:
    """A database of its own for each test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    db = connect(mongo_uri, name)
    yield db
    db.client.drop_database(name)
    db.client.close()


@pytest.fixture
def analysis_store(database: Database) -> list[str]:
    """The analysis test records stored in the test's database; the CLI options that reach it."""
    from analysis_data import cli_args, load_analysis_records

    load_analysis_records(database)
    return cli_args(database)


@pytest.fixture
def config(tmp_path: Path, mongo_uri: str, database: Database) -> Config:
    """A Config pointing at the test server and the test's own database and var dir."""
    return load_config(mongo_uri=mongo_uri, db_name=database.name, var_dir=tmp_path / "var")
