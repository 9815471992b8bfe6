"""The write journal: records that are not yet safely stored wait here (issue 6).

Every entry the pipelines accept is appended to the open segment file under var/journal/ before
it is buffered (a write-ahead log: a SIGKILLed process leaves it on disk). A segment is deleted
only after the database acknowledged every write of its batch; when a write fails, or the
database is unreachable, the segment is fsynced and kept. The next run, and `atnews db flush`,
replay kept segments oldest first through the same idempotent writes, then delete them: a
segment replayed twice (a crash between the write and the delete) stores nothing twice.

Each line names the database it was written for (its JournalTarget); a replay takes only the
segments of the database it writes to and leaves the others. A line that cannot be read (cut
short by a kill, a bad byte) is set aside in `<segment>.unreadable`; the others are replayed.

A writer holds an exclusive flock on its open segment, so a replay never takes a segment that a
live process is still writing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, PyMongoError

from atnews_scraper.config import Config
from atnews_scraper.database import CRAWL_STATE
from atnews_scraper.ingest.entry import IngestEntry

log = logging.getLogger(__name__)

SUFFIX = ".jsonl"
UNREADABLE = ".unreadable"
REPLAY_BATCH = 500
TARGET_KEY = b'{"target":'
DATABASE_ID = "database"  # the crawl_state document holding the database's own id


class EntryWriter(Protocol):
    """What a replay writes through (an ArticleStore)."""

    def write_safely(self, entries: list[IngestEntry]) -> list[str]: ...


@dataclass(frozen=True)
class JournalTarget:
    """The database a journal line was written for.

    `database_id` is the id kept in the database itself (crawl_state, _id "database"), known
    once the writer reached it; `server` the hosts of its URI, without credentials or ports.
    """

    db: str
    server: str | None
    database_id: str | None = None

    def accepts(self, written_for: JournalTarget) -> bool:
        """True when a line written for `written_for` belongs in this database."""
        if written_for.db != self.db:
            return False
        if written_for.database_id is not None and self.database_id is not None:
            return written_for.database_id == self.database_id
        # The writer never reached its database: the same name on the same host(s). Not the
        # port: the embedded server may come back on another one.
        return written_for.server == self.server

    def describe(self) -> str:
        return f"{self.db} at {self.server or 'an unknown server'}"

    def json_prefix(self) -> bytes:
        return TARGET_KEY + json.dumps(asdict(self), separators=(",", ":")).encode() + b","


def server_hosts(uri: str | None) -> str | None:
    """The scheme and hosts of a MongoDB URI, without credentials, ports, path or options."""
    if not uri or "://" not in uri:
        return None
    scheme, _, rest = uri.partition("://")
    hosts = rest.split("/", 1)[0].split("?", 1)[0].rpartition("@")[2]
    names = sorted({host_name(host) for host in hosts.split(",") if host})
    return f"{scheme}://{','.join(names)}"


def host_name(host: str) -> str:
    host = host.lower()
    if host.startswith("["):  # [::1]:27017
        return host.split("]", 1)[0] + "]"
    return host.split(":", 1)[0]


def stored_database_id(database: Database) -> str | None:
    document = database[CRAWL_STATE].find_one({"_id": DATABASE_ID})
    return str(document["id"]) if document is not None else None


def database_id(database: Database) -> str:
    """The database's own id, made on first use: journal lines name it."""
    state = database[CRAWL_STATE]
    document = state.find_one({"_id": DATABASE_ID})
    if document is None:
        with contextlib.suppress(DuplicateKeyError):  # another writer made it first
            state.insert_one({"_id": DATABASE_ID, "type": DATABASE_ID, "id": uuid.uuid4().hex})
        document = state.find_one({"_id": DATABASE_ID})
    assert document is not None
    return str(document["id"])


def target_of(database: Database, uri: str | None) -> JournalTarget:
    return JournalTarget(database.name, server_hosts(uri), database_id(database))


class JournalUnwritable(OSError):
    """The journal could not take an entry (a full disk, a read-only or missing var dir)."""


class Segment:
    """One journal file being written by this process (locked while open).

    Written unbuffered, one write per line: an entry the disk refuses leaves nothing behind it
    (the part written is cut off again) and nothing for a later flush or close to fail on.
    """

    def __init__(self, directory: Path, target: JournalTarget) -> None:
        self.path = directory / "unopened"
        self.fd = -1
        self.count = 0
        self.size = 0
        self.prefix = target.json_prefix()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            name = f"{time.time_ns():020d}-{os.getpid()}"
            self.path = directory / f"{name}{SUFFIX}"
            # Locked under a name replay ignores, then renamed: a replay never sees it unlocked.
            opening = directory / f"{name}.opening"
            self.fd = os.open(opening, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            opening.rename(self.path)
        except OSError as exc:
            self._close()
            raise JournalUnwritable(exc.errno, exc.strerror, str(directory)) from exc

    def append(self, entry: IngestEntry) -> None:
        """The entry written to the OS (survives a killed process; fsync on seal: a lost
        machine); raises JournalUnwritable, with the file as it was, when the disk refuses."""
        line = memoryview(self.prefix + entry.to_json_line()[1:])
        written = 0
        try:
            while written < len(line):
                written += os.write(self.fd, line[written:])
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, self.size)
            raise JournalUnwritable(exc.errno, exc.strerror, str(self.path.parent)) from exc
        self.size += written
        self.count += 1

    def discard(self) -> None:
        """Everything in it is stored: remove it."""
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
        self._close()

    def seal(self) -> bool:
        """Its entries were not stored: make it durable and leave it for a replay. False when
        the disk would not confirm it (the lines are with the OS, perhaps not on disk)."""
        try:
            if self.fd >= 0:
                os.fsync(self.fd)
            return True
        except OSError as exc:
            log.error("journal %s: fsync failed (%s)", self.path, exc.strerror)
            return False
        finally:
            self._close()

    def _close(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1


@dataclass
class ReplayResult:
    segments: int = 0
    entries: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    skipped_lines: int = 0
    set_aside: list[Path] = field(default_factory=list)  # where unreadable lines went
    # segments written for other databases, left in place: their target -> how many
    left: dict[JournalTarget, int] = field(default_factory=dict)

    def note(self, directory: Path) -> str:
        """What was set aside or left, as the tail of a one-line report ("" when nothing)."""
        parts = []
        if self.skipped_lines:
            places = ", ".join(str(path) for path in self.set_aside)
            parts.append(f"{self.skipped_lines} unreadable line(s) set aside in {places}")
        if self.left:
            targets = ", ".join(target.describe() for target in self.left)
            parts.append(
                f"{sum(self.left.values())} segment(s) left for another database ({targets}) "
                f"in {directory}"
            )
        return "".join(f"; {part}" for part in parts)


def pending_segments(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{SUFFIX}")) if directory.is_dir() else []


@contextlib.contextmanager
def claim(path: Path) -> Iterator[Any]:
    """The segment opened (binary) and locked, or None when a live writer holds it (or it is
    gone)."""
    try:
        handle = open(path, "rb")  # noqa: SIM115
    except FileNotFoundError:
        yield None
        return
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        yield handle


@dataclass
class SegmentLines:
    entries: list[IngestEntry] = field(default_factory=list)
    targets: set[JournalTarget] = field(default_factory=set)
    bad: list[bytes] = field(default_factory=list)


def read_line(line: bytes) -> tuple[JournalTarget | None, IngestEntry]:
    """One journal line: the database it was written for (None in a line from before targets
    were recorded) and its entry. Raises ValueError (or TypeError, KeyError) when unreadable."""
    data = json.loads(line.decode("utf-8"))
    raw_target = data.pop("target", None)
    target = JournalTarget(**raw_target) if raw_target is not None else None
    return target, IngestEntry.from_json_data(data)


def read_entries(handle: Any, path: Path) -> SegmentLines:
    """The entries of a segment, the databases they were written for, and its unreadable
    lines (a line cut short by a kill, a bad byte)."""
    lines = SegmentLines()
    for line in handle:
        if not line.strip():
            continue
        try:
            target, entry = read_line(line)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("journal %s: unreadable line set aside (%s)", path.name, exc)
            lines.bad.append(line if line.endswith(b"\n") else line + b"\n")
            continue
        lines.entries.append(entry)
        if target is not None:
            lines.targets.add(target)
    return lines


def replay(directory: Path, store: EntryWriter, target: JournalTarget) -> ReplayResult:
    """Write every kept segment of `target`'s database through the store, oldest first; delete
    each once stored. Segments of other databases are left (counted in the result)."""
    result = ReplayResult()
    for path in pending_segments(directory):
        with claim(path) as handle:
            if handle is None:
                continue
            lines = read_entries(handle, path)
            foreign = [t for t in lines.targets if not target.accepts(t)]
            if foreign:
                result.left[foreign[0]] = result.left.get(foreign[0], 0) + 1
                continue
            entries = lines.entries
            for start in range(0, len(entries), REPLAY_BATCH):
                for outcome in store.write_safely(entries[start : start + REPLAY_BATCH]):
                    result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
            if lines.bad:
                # Kept for a person to look at: nothing is thrown away silently.
                aside = path.with_suffix(UNREADABLE)
                try:
                    aside.write_bytes(b"".join(lines.bad))
                except OSError as exc:  # the segment stays, and is replayed again next time
                    log.error("journal %s: cannot set lines aside (%s)", path.name, exc.strerror)
                    continue
                result.set_aside.append(aside)
            path.unlink()
        result.segments += 1
        result.entries += len(entries)
        result.skipped_lines += len(lines.bad)
    if result.left:
        log.warning(
            "journal %s: %d segment(s) written for another database left in place (%s)",
            directory,
            sum(result.left.values()),
            ", ".join(t.describe() for t in result.left),
        )
    return result


def replay_journal(config: Config, database: Database, uri: str | None = None) -> ReplayResult:
    """Write every journalled record of this database to it exactly once."""
    from atnews_scraper.ingest.article_store import ArticleStore

    store = ArticleStore(database)
    store.open()
    target = target_of(database, uri or config.mongo_uri)
    return replay(config.journal_dir, store, target)


def segment_target(path: Path) -> JournalTarget | None:
    """The database a segment was written for, from its first readable line (None: unknown)."""
    with contextlib.suppress(OSError), path.open("rb") as handle:
        for line in handle:
            with contextlib.suppress(ValueError, TypeError, KeyError):
                return read_line(line)[0]
    return None


def waiting_note(directory: Path, target: JournalTarget) -> str | None:
    """What waits in the journal, for `atnews db status` (None when it is empty)."""
    segments = pending_segments(directory)
    if not segments:
        return None
    others = [t for t in map(segment_target, segments) if t is not None and not target.accepts(t)]
    mine = len(segments) - len(others)
    note = f"journal: {len(segments)} segment(s) in {directory}"
    if mine:
        note += f"; {mine} for this database: run `atnews db flush`"
    if others:
        names = ", ".join(sorted({t.describe() for t in others}))
        note += f"; {len(others)} for another database ({names})"
    return note


def replay_before_crawl(config: Config, database: Database, uri: str) -> None:
    """The journal replayed before a crawl reads what is stored, so that the articles it holds
    count as known and are not fetched again. A failure here is left to the crawl's own replay
    (its store pipeline tries again, and journals while the database is away)."""
    if not pending_segments(config.journal_dir):
        return  # the usual case: no read of the store's keys for nothing
    try:
        result = replay_journal(config, database, uri)
    except (PyMongoError, OSError) as exc:
        log.warning("journal not replayed before the crawl: %s", exc)
        return
    if result.entries:
        log.info("replayed %d journalled record(s) before the crawl", result.entries)


def flush_journal(config: Config, database: Database, uri: str | None = None) -> int:
    """Write every journalled record of this database to it exactly once; returns how many."""
    return replay_journal(config, database, uri).entries
