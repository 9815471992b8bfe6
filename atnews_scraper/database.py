"""The MongoDB connection: one way in for every command, pipeline and test.

Code talks to the store only through pymongo, so the same calls work on MongoDB and on the
embedded FerretDB server. Where FerretDB lacks a MongoDB feature (text indexes, partial
indexes, date operators in aggregation, nested arrays), callers use the portable form; README.md
"Portability" lists these.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import ConfigurationError, InvalidURI, PyMongoError

from atnews_scraper.config import Config
from atnews_scraper.errors import ConfigError, StoreUnavailable
from atnews_scraper.ferretdb import EmbeddedServer

# Collection names, documented in README.md ("Collections").
ARTICLES = "articles"
ARTICLE_REVISIONS = "article_revisions"
PAGES = "pages"
REJECTS = "rejects"
CRAWL_RUNS = "crawl_runs"
CRAWL_STATE = "crawl_state"

SERVER_SELECTION_TIMEOUT_MS = 5000

Say = Callable[[str], None]


def hide_password(uri: str) -> str:
    """The URI with any password replaced by ***, safe to print."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def embedded_server(config: Config) -> EmbeddedServer:
    return EmbeddedServer(
        config.db_dir, config.run_dir, config.log_dir, preferred_port=config.db_port
    )


def resolve_uri(config: Config, say: Say | None = None, autostart: bool = True) -> str:
    """The URI to connect to: MONGODB_URI, else the embedded server (started when needed)."""
    if config.mongo_uri:
        return config.mongo_uri
    server = embedded_server(config)
    running = server.status()
    if running is None:
        if not autostart:
            raise StoreUnavailable("the embedded database is not running: run `atnews db start`")
        running = server.start(say=say)
        if say is not None:
            say(
                f"started the embedded database on port {running.port} (data in {running.data_dir})"
            )
    return running.uri


def connect(uri: str, db_name: str, timeout_ms: int = SERVER_SELECTION_TIMEOUT_MS) -> Database:
    """A pymongo Database, after one round trip that proves the server answers."""
    try:
        client: MongoClient = MongoClient(
            uri, serverSelectionTimeoutMS=timeout_ms, tz_aware=True, connect=False
        )
    except (InvalidURI, ConfigurationError, ValueError) as exc:
        raise ConfigError(
            f"MONGODB_URI {hide_password(uri)!r} is not a valid MongoDB URI ({exc}); "
            "expected e.g. mongodb://user:pass@host:27017/"
        ) from exc
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        client.close()
        first_line = str(exc).split(",")[0]
        raise StoreUnavailable(
            f"cannot reach the database at {hide_password(uri)} ({first_line}); "
            "check that it is running, or unset MONGODB_URI to use the embedded one"
        ) from exc
    return client[db_name]


def open_database(config: Config, say: Say | None = None, autostart: bool = True) -> Database:
    """The configured database, starting the embedded server if it is the one in use."""
    return connect(resolve_uri(config, say, autostart), config.db_name)
