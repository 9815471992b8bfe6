"""Serve a saved site snapshot over HTTP on 127.0.0.1, with fault injection, for tests and users."""

from atnews_scraper.replay.faults import Fault, FaultKind, FaultPlan, FaultSpecError
from atnews_scraper.replay.server import PortInUse, ReplayError, ReplayServer, iter_log
from atnews_scraper.replay.snapshot import Entry, Snapshot, SnapshotError, SnapshotWriter

__all__ = [
    "Entry",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "FaultSpecError",
    "PortInUse",
    "ReplayError",
    "ReplayServer",
    "Snapshot",
    "SnapshotError",
    "SnapshotWriter",
    "iter_log",
]
