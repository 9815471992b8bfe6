"""A private redis-server for the embedded set-up (`atnews redis start|stop|status`), and the
one way every other module connects to Redis (REDIS_URL, else the private server).

The private server listens on a unix socket in VAR_DIR/run (no TCP port), with AOF persistence
in VAR_DIR/redis so a queue survives a restart; tests start it with ``persist=False``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from atnews_scraper.config import Config
from atnews_scraper.errors import EXIT_UNAVAILABLE, AtnewsError, ConfigError

START_TIMEOUT_S = 10.0


class RedisUnavailable(AtnewsError):
    exit_code = EXIT_UNAVAILABLE


@dataclass(frozen=True)
class PrivateRedis:
    """Where the private server of a var dir keeps its socket, pid file, data and log."""

    var_dir: Path

    @property
    def socket(self) -> Path:
        return self.var_dir / "run" / "redis.sock"

    @property
    def pid_file(self) -> Path:
        return self.var_dir / "run" / "redis.pid"

    @property
    def data_dir(self) -> Path:
        return self.var_dir / "redis"

    @property
    def log_file(self) -> Path:
        return self.var_dir / "log" / "redis.log"

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def pid(self) -> int | None:
        """The running server's pid; None when none runs (a stale pid file is ignored)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def start(self, persist: bool = True) -> str:
        """Start the server unless it runs; returns its URL."""
        if self.pid() is not None:
            return self.url
        binary = shutil.which("redis-server")
        if binary is None:
            raise ConfigError(
                "redis-server is not installed: `apt-get install redis-server` "
                "(or set REDIS_URL to a running Redis)"
            )
        for directory in (self.socket.parent, self.data_dir, self.log_file.parent):
            directory.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        persistence = ["--appendonly", "yes"] if persist else ["--appendonly", "no"]
        subprocess.run(
            [
                binary,
                "--port", "0",
                "--unixsocket", str(self.socket),
                "--unixsocketperm", "700",
                "--daemonize", "yes",
                "--pidfile", str(self.pid_file),
                "--logfile", str(self.log_file),
                "--dir", str(self.data_dir),
                "--save", "",
                *persistence,
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                redis.Redis(unix_socket_path=str(self.socket)).ping()
                return self.url
            except (redis.ConnectionError, FileNotFoundError):
                time.sleep(0.05)
        raise RedisUnavailable(
            f"redis-server did not start within {START_TIMEOUT_S:g} s; see {self.log_file}"
        )

    def stop(self) -> bool:
        """Stop the server (it writes its AOF on the way out); False when none ran."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and self.pid() is not None:
            time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)
        return True


def redis_url(config: Config, given: str | None = None) -> str:
    """--redis-url, else $REDIS_URL, else the private server of the var dir (if it runs)."""
    url = given or os.environ.get("REDIS_URL")
    if url:
        return url
    private = PrivateRedis(config.var_dir)
    if private.pid() is None:
        raise RedisUnavailable(
            "no Redis to use: run `atnews redis start`, or set REDIS_URL / --redis-url"
        )
    return private.url


def connect_redis(url: str) -> redis.Redis:
    """A client for ``url`` that answered a PING; one clear line (exit 3) when it does not."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        client.ping()
    except ValueError as exc:
        raise ConfigError(f"--redis-url: {url!r} is not a Redis URL ({exc})") from None
    except redis.RedisError as exc:
        raise RedisUnavailable(
            f"cannot reach Redis at {url}: {exc}; start it (`atnews redis start`) "
            "or check REDIS_URL"
        ) from None
    return client
