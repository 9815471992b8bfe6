"""Where things are: resolved once from command-line options, then environment, then defaults.

The archive's home (embedded data, logs, locks, journal) is one per user wherever a command runs:
``--var-dir``/``--home``, else ``ATNEWS_VAR_DIR``/``ATNEWS_HOME``, else a store left in ``./var`` by
an earlier version (used, with a notice), else the platform's user data directory
(``~/.local/share/atnews`` on Linux). Nothing is created in the current directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from atnews_scraper.errors import ConfigError

DEFAULT_SITE_URL = "https://www.afghanistantimes.af/"
DEFAULT_DB_NAME = "atnews"
DEFAULT_DB_PORT = 27027  # the embedded server's port, kept across restarts
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
    db_port: int = DEFAULT_DB_PORT  # the embedded server's port (ATNEWS_DB_PORT)
    notice: str | None = None  # one line for the user about where the archive was found

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


def user_home() -> Path:
    """The platform's per-user data directory for atnews (XDG_DATA_HOME on Linux)."""
    return Path(platformdirs.user_data_dir("atnews", appauthor=False))


def is_store(directory: Path) -> bool:
    """A var dir an earlier atnews left behind: it holds embedded data or a journal."""
    return (directory / "db").is_dir() or (directory / "journal").is_dir()


def resolve_home(var_dir: str | os.PathLike[str] | None) -> tuple[Path, str | None]:
    """The archive's directory, and a notice when it is a legacy ./var."""
    env = os.environ
    chosen = var_dir or env.get("ATNEWS_VAR_DIR") or env.get("ATNEWS_HOME")
    if chosen:
        return Path(chosen).expanduser().resolve(), None
    legacy = Path.cwd() / "var"
    if is_store(legacy):
        notice = (
            f"atnews: using the archive in ./var ({legacy.resolve()}); the default is now "
            f"{user_home()}: move it there, or set ATNEWS_HOME to keep it here"
        )
        return legacy.resolve(), notice
    return user_home(), None


def configured_port(value: str | None) -> int:
    if not value:
        return DEFAULT_DB_PORT
    if not value.strip().isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(
            f"ATNEWS_DB_PORT: {value!r} is not a port number (1-65535); "
            f"unset it to use {DEFAULT_DB_PORT}"
        )
    return int(value)


def load_config(
    mongo_uri: str | None = None,
    db_name: str | None = None,
    var_dir: str | os.PathLike[str] | None = None,
    site_url: str | None = None,
    hosts: tuple[str, ...] | None = None,
) -> Config:
    env = os.environ
    env_hosts = tuple(h.strip() for h in env.get("ATNEWS_HOSTS", "").split(",") if h.strip())
    home, notice = resolve_home(var_dir)
    return Config(
        mongo_uri=mongo_uri or env.get("MONGODB_URI") or None,
        db_name=db_name or env.get("ATNEWS_DB") or DEFAULT_DB_NAME,
        var_dir=home,
        site_url=site_url or env.get("ATNEWS_SITE_URL") or DEFAULT_SITE_URL,
        hosts=hosts or env_hosts or DEFAULT_HOSTS,
        db_port=configured_port(env.get("ATNEWS_DB_PORT")),
        notice=notice,
    )


def ferretdb_binary() -> Path:
    """The FerretDB binary built by scripts/install-ferretdb.sh (or ATNEWS_FERRETDB_BIN)."""
    configured = os.environ.get("ATNEWS_FERRETDB_BIN")
    if configured:
        return Path(configured)
    return PROJECT_ROOT / ".tools" / "bin" / "ferretdb"
