"""The embedded store: a local FerretDB server (MongoDB wire protocol, SQLite files).

Nothing else in atnews knows it is FerretDB: callers get a ``mongodb://`` URI and talk pymongo.
State lives in three places under the var directory: ``db/`` (data), ``run/ferretdb.json``
(pid, port, uri of the running server) and ``log/ferretdb.log``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from atnews_scraper.config import DEFAULT_DB_PORT, ferretdb_binary
from atnews_scraper.errors import ConfigError, StoreUnavailable

DEFAULT_PORT = DEFAULT_DB_PORT
READY_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    port: int
    data_dir: str
    log_file: str

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/"


def port_is_free(port: int) -> bool:
    """Nothing listens on the port. Like the server itself (Go sets SO_REUSEADDR on listeners),
    the check ignores connections in TIME-WAIT, so a restart keeps its port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts_connections(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno == errno.EPERM
    with contextlib.suppress(OSError):
        # A zombie child still answers kill(0); it is not serving.
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


class EmbeddedServer:
    """Start, stop and inspect one FerretDB server bound to 127.0.0.1."""

    def __init__(
        self, data_dir: Path, run_dir: Path, log_dir: Path, preferred_port: int = DEFAULT_PORT
    ) -> None:
        self.data_dir = data_dir
        self.preferred_port = preferred_port
        self.state_file = run_dir / "ferretdb.json"
        self.start_lock = run_dir / "ferretdb.start.lock"
        self.log_file = log_dir / "ferretdb.log"
        self.ferret_state_dir = run_dir / "ferretdb-state"

    def status(self) -> ServerInfo | None:
        """The running server, or None (a stale state file is removed)."""
        try:
            server_info = ServerInfo(**json.loads(self.state_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        if _pid_alive(server_info.pid) and _accepts_connections(server_info.port):
            return server_info
        if not _pid_alive(server_info.pid):
            self.state_file.unlink(missing_ok=True)
            return None
        return server_info if self._wait_ready(server_info, timeout=2.0) else None

    def start(
        self,
        port: int | None = None,
        timeout: float = READY_TIMEOUT_S,
        say: Callable[[str], None] | None = None,
    ) -> ServerInfo:
        """The running server, or a new one. Starts are serialised by a lock file, so commands
        starting at once share one server instead of racing for the port."""
        with self._starting():
            return self._start(port, timeout, say)

    @contextlib.contextmanager
    def _starting(self) -> Iterator[None]:
        self.start_lock.parent.mkdir(parents=True, exist_ok=True)
        with open(self.start_lock, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released by the kernel if this process dies
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _start(
        self, port: int | None, timeout: float, say: Callable[[str], None] | None
    ) -> ServerInfo:
        running = self.status()
        if running is not None:
            if port is not None and port != running.port:
                raise ConfigError(
                    f"the embedded database is already running on port {running.port}; "
                    f"run `atnews db stop` first to move it to port {port}"
                )
            return running
        binary = ferretdb_binary()
        if not binary.exists():
            raise ConfigError(
                f"FerretDB is not built ({binary} is missing): run `make setup` "
                "(or `bash scripts/install-ferretdb.sh`), or set MONGODB_URI to a MongoDB server"
            )
        if port is None:
            port = self.preferred_port
            if not port_is_free(port):
                port = free_port()
                if say is not None:
                    say(
                        f"port {self.preferred_port} on 127.0.0.1 is taken by another program: "
                        f"the embedded database runs on port {port} instead "
                        f"(mongodb://127.0.0.1:{port}/); free port {self.preferred_port} "
                        "or set ATNEWS_DB_PORT to choose another"
                    )
        elif not port_is_free(port):
            raise ConfigError(
                f"port {port} on 127.0.0.1 is in use: choose another with --port, "
                "or leave --port out to pick a free one"
            )
        for directory in (self.data_dir, self.state_file.parent, self.log_file.parent):
            directory.mkdir(parents=True, exist_ok=True)
        self.ferret_state_dir.mkdir(parents=True, exist_ok=True)
        command = [
            str(binary),
            "--handler=sqlite",
            f"--sqlite-url=file:{self.data_dir}/",
            f"--listen-addr=127.0.0.1:{port}",
            "--telemetry=disable",
            f"--state-dir={self.ferret_state_dir}",
            "--log-level=warn",
            # No debug HTTP listener: its fixed port 8088 made a second server exit at start.
            "--debug-addr=-",
        ]
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # survives the command that started it, and Ctrl-C there
            )
        server_info = ServerInfo(process.pid, port, str(self.data_dir), str(self.log_file))
        if not self._wait_ready(server_info, timeout, process):
            with contextlib.suppress(OSError):
                process.kill()
            raise StoreUnavailable(
                f"the embedded database (FerretDB) did not start within {timeout:.0f}s on port "
                f"{port}: see {self.log_file}"
            )
        tmp = self.state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(server_info)))
        tmp.replace(self.state_file)
        return server_info

    def stop(self, timeout: float = 10.0) -> ServerInfo | None:
        """Stop the server; returns what was stopped, or None when nothing was running."""
        server_info = self.status()
        if server_info is None:
            return None
        with contextlib.suppress(ProcessLookupError):
            os.kill(server_info.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(server_info.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid_alive(server_info.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(server_info.pid, signal.SIGKILL)
        self.state_file.unlink(missing_ok=True)
        return server_info

    @staticmethod
    def _wait_ready(
        server_info: ServerInfo, timeout: float, process: subprocess.Popen[bytes] | None = None
    ) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                return False
            if _accepts_connections(server_info.port):
                return True
            time.sleep(0.05)
        return False
