"""Where things are: resolved once from command-line options, then environment, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SITE_URL = "https://www.afghanistantimes.af/"
DEFAULT_DB_NAME = "atnews"
# Every host that serves the paper; all map to one canonical URL on the first.
DEFAULT_HOSTS = (
    "www.afghanistantimes.af",
    "afghanistantimes.af",
    "www.afghanistantimes.media",
    "afghanistantimes.media",
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Config:
    mongo_uri: str | None  # None: use the embedded FerretDB server
    db_name: str
    var_dir: Path  # data, logs, locks, journal
    site_url: str
    hosts: tuple[str, ...] = field(default=DEFAULT_HOSTS)

    @property
    def db_dir(self) -> Path:
        return Path(os.environ.get("ATNEWS_DB_DIR") or self.var_dir / "db")

    @property
    def run_dir(self) -> Path:
        return self.var_dir / "run"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    @property
    def journal_dir(self) -> Path:
        return self.var_dir / "journal"

    @property
    def index_path(self) -> Path:
        """The analysis index (SQLite): one file per database name."""
        return self.var_dir / "analysis" / f"{self.db_name}.db"


def load_config(
    mongo_uri: str | None = None,
    db_name: str | None = None,
    var_dir: str | os.PathLike[str] | None = None,
    site_url: str | None = None,
    hosts: tuple[str, ...] | None = None,
) -> Config:
    env = os.environ
    env_hosts = tuple(h.strip() for h in env.get("ATNEWS_HOSTS", "").split(",") if h.strip())
    return Config(
        mongo_uri=mongo_uri or env.get("MONGODB_URI") or None,
        db_name=db_name or env.get("ATNEWS_DB") or DEFAULT_DB_NAME,
        var_dir=Path(var_dir or env.get("ATNEWS_VAR_DIR") or Path.cwd() / "var").resolve(),
        site_url=site_url or env.get("ATNEWS_SITE_URL") or DEFAULT_SITE_URL,
        hosts=hosts or env_hosts or DEFAULT_HOSTS,
    )


def ferretdb_binary() -> Path:
    """The FerretDB binary built by scripts/install-ferretdb.sh (or ATNEWS_FERRETDB_BIN)."""
    configured = os.environ.get("ATNEWS_FERRETDB_BIN")
    if configured:
        return Path(configured)
    return PROJECT_ROOT / ".tools" / "bin" / "ferretdb"
