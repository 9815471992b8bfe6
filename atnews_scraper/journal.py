"""The write journal: records that are not yet safely stored wait here (issue 6).

Every entry the pipelines accept is appended to the open segment file under var/journal/ before
it is buffered (a write-ahead log: a SIGKILLed process leaves it on disk). A segment is deleted
only after the database acknowledged every write of its batch; when a write fails, or the
database is unreachable, the segment is fsynced and kept. The next run, and `atnews db flush`,
replay kept segments oldest first through the same idempotent writes, then delete them: a
segment replayed twice (a crash between the write and the delete) stores nothing twice.

A writer holds an exclusive flock on its open segment, so a replay never takes a segment that a
live process is still writing.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from pymongo.database import Database

from atnews_scraper.config import Config
from atnews_scraper.ingest.entry import IngestEntry

log = logging.getLogger(__name__)

SUFFIX = ".jsonl"
REPLAY_BATCH = 500


class EntryWriter(Protocol):
    """What a replay writes through (an ArticleStore)."""

    def write_safely(self, entries: list[IngestEntry]) -> list[str]: ...


class Segment:
    """One journal file being written by this process (locked while open)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}"
        self.path = directory / f"{name}{SUFFIX}"
        # Locked under a name replay ignores, then renamed: a replay can never see it unlocked.
        opening = directory / f"{name}.opening"
        self.file: IO[bytes] = open(opening, "ab")  # noqa: SIM115
        fcntl.flock(self.file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        opening.rename(self.path)
        self.count = 0

    def append(self, entry: IngestEntry) -> None:
        # Flushed to the OS per entry: survives a killed process (fsync on seal: a lost machine).
        self.file.write(entry.to_json_line())
        self.file.flush()
        self.count += 1

    def discard(self) -> None:
        """Everything in it is stored: remove it."""
        self.path.unlink(missing_ok=True)
        self.file.close()

    def seal(self) -> None:
        """Its entries were not stored: make it durable and leave it for a replay."""
        os.fsync(self.file.fileno())
        self.file.close()


@dataclass
class ReplayResult:
    segments: int = 0
    entries: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    skipped_lines: int = 0


def pending_segments(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{SUFFIX}")) if directory.is_dir() else []


@contextlib.contextmanager
def claim(path: Path) -> Iterator[IO[str] | None]:
    """The segment opened and locked, or None when a live writer holds it (or it is gone)."""
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115
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


def read_entries(handle: IO[str], path: Path) -> tuple[list[IngestEntry], list[str]]:
    """The entries of a segment, and its unreadable lines (a line cut short by a kill)."""
    entries, bad = [], []
    for line in handle:
        if not line.strip():
            continue
        try:
            entries.append(IngestEntry.from_json(line))
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("journal %s: unreadable line skipped (%s)", path.name, exc)
            bad.append(line)
    return entries, bad


def replay(directory: Path, store: EntryWriter) -> ReplayResult:
    """Write every kept segment through the store, oldest first; delete each once stored."""
    result = ReplayResult()
    for path in pending_segments(directory):
        with claim(path) as handle:
            if handle is None:
                continue
            entries, bad = read_entries(handle, path)
            for start in range(0, len(entries), REPLAY_BATCH):
                for outcome in store.write_safely(entries[start : start + REPLAY_BATCH]):
                    result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
            if bad:
                # Kept for a person to look at: nothing is thrown away silently.
                path.with_suffix(".unreadable").write_text("".join(bad), encoding="utf-8")
            path.unlink()
        result.segments += 1
        result.entries += len(entries)
        result.skipped_lines += len(bad)
    return result


def flush_journal(config: Config, database: Database) -> int:
    """Write every journalled record to the database exactly once; returns how many."""
    from atnews_scraper.ingest.article_store import ArticleStore

    store = ArticleStore(database)
    store.open()
    return replay(config.journal_dir, store).entries
