"""A threaded HTTP/1.1 server that answers from a snapshot as the real web server would.

Behaviour: trailing-slash 301 redirects (``/slug`` -> ``/slug/``), the snapshot's content types
and statuses, 404 for unknown URLs, ``Last-Modified`` / ``If-Modified-Since`` and ``ETag`` /
``If-None-Match`` -> 304, HEAD, keep-alive with ``Content-Length``, query strings (exact entries
such as ``/?p=ID`` or ``/?s=word``; parameters WordPress ignores, such as ``utm_source``, fall
back to the page without them), and the faults of ``faults.py``. Every request is logged.

Longer than 300 lines because it is one job, an HTTP server: the lookup, the conditional
answers and the socket handler that sends them (or a fault) are the parts of one answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from atnews_scraper.config import DEFAULT_HOSTS
from atnews_scraper.errors import AtnewsError
from atnews_scraper.replay.faults import Fault, FaultInjector, FaultKind, FaultsArg, as_plan
from atnews_scraper.replay.snapshot import (
    HTML,
    REDIRECT_STATUSES,
    Entry,
    Snapshot,
    split_key,
    url_key,
)
from atnews_scraper.timestamps import parse_http_date

# Query parameters that select a different page; any other parameter is ignored, as WordPress does.
SIGNIFICANT_PARAMS = frozenset({"p", "s", "page_id", "cat", "tag", "author", "paged", "feed"})
LOOP_PARAM = "redirect-loop"
SERVER_NAME = "atnews-replay"

_STATUS_TEXT = {
    404: "Page not found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class ReplayError(AtnewsError):
    """The replay server cannot start as asked."""


class PortInUse(ReplayError):
    pass


@dataclass(frozen=True)
class Answer:
    """A response before it is sent."""

    status: int
    body: bytes = b""
    content_type: str | None = HTML
    headers: tuple[tuple[str, str], ...] = ()


def error_page(status: int) -> bytes:
    text = _STATUS_TEXT.get(status, "Error")
    return (
        f"<!DOCTYPE html><html><head><title>{status} {text}</title></head>"
        f"<body><h1>{text}</h1></body></html>\n"
    ).encode()


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


class ReplayServer:
    """Serve ``snapshot_dir`` on ``host:port`` (0: a free port) in a background thread.

    Use as a context manager, or call ``start()`` / ``stop()``. ``url`` ends with a slash, so it
    can be given as a crawl's site URL.
    """

    def __init__(
        self,
        snapshot_dir: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultsArg = None,
        log_path: str | Path | None = None,
    ) -> None:
        self.snapshot = Snapshot.load(snapshot_dir)
        self.host = host
        self._requested_port = port
        self._injector = FaultInjector(as_plan(faults))
        self._log_path = Path(log_path) if log_path else None
        if self._log_path is not None:
            try:
                self._log_path.open("a", encoding="utf-8").close()
            except OSError as exc:
                raise ReplayError(
                    f"cannot write the request log {self._log_path} ({exc.strerror}): "
                    "give a writable --log path"
                ) from exc
        self._log_lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._bodies: dict[str, tuple[bytes, str]] = {}
        self._own_hosts = {h.lower() for h in DEFAULT_HOSTS} | {
            urlsplit(self.snapshot.site_url).netloc.lower()
        }
        self._bodies_lock = threading.Lock()
        self._not_found_body: bytes | None = None

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> ReplayServer:
        if self._httpd is not None:
            return self
        try:
            httpd = _HTTPServer((self.host, self._requested_port), _Handler)
        except OSError as exc:
            raise PortInUse(
                f"cannot listen on {self.host}:{self._requested_port} ({exc.strerror}): "
                "choose another --port, or 0 for a free one"
            ) from exc
        httpd.replay = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the replay server is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    # -- faults and log ------------------------------------------------------------------------

    def set_faults(self, faults: FaultsArg) -> None:
        """Replace the fault plan (and forget how often each URL was asked for)."""
        self._injector = FaultInjector(as_plan(faults))

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._log_lock:
            return list(self._requests)

    def reset_log(self) -> None:
        with self._log_lock:
            self._requests.clear()

    def log_request(self, record: dict[str, Any]) -> None:
        with self._log_lock:
            self._requests.append(record)
            if self._log_path is not None:
                with self._log_path.open("a", encoding="utf-8") as log:
                    log.write(json.dumps(record) + "\n")

    def choose_fault(self, key: str) -> Fault | None:
        return self._injector.choose(key)

    # -- answers -------------------------------------------------------------------------------

    def body_of(self, key: str, entry: Entry) -> tuple[bytes, str]:
        """The body of an entry and its ETag, read once and then kept in memory."""
        with self._bodies_lock:
            cached = self._bodies.get(key)
        if cached is None:
            body = self.snapshot.body(entry)
            cached = body, entry.etag or etag_for(body)
            with self._bodies_lock:
                self._bodies[key] = cached
        return cached

    def answer(self, path: str, query: str, request_headers: Message) -> Answer:
        """The response a web server holding the snapshot gives for a GET of path?query."""
        key = url_key(path, query)
        found = self._lookup(key)
        if found is None:
            return self._not_found()
        key, entry = found
        if entry.status in REDIRECT_STATUSES:
            assert entry.location is not None
            return Answer(
                entry.status,
                content_type=None,
                headers=(("Location", self._absolute(entry.location)),),
            )
        body, etag = self.body_of(key, entry)
        headers = [("ETag", etag)]
        if entry.last_modified:
            headers.append(("Last-Modified", entry.last_modified))
        if entry.status == 200 and _not_modified(request_headers, etag, entry.last_modified):
            return Answer(304, content_type=None, headers=tuple(headers))
        return Answer(entry.status, body, entry.content_type, tuple(headers))

    def _lookup(self, key: str) -> tuple[str, Entry] | None:
        entries = self.snapshot.entries
        if key in entries:
            return key, entries[key]
        path, query = split_key(key)
        params = parse_qsl(query, keep_blank_values=True)
        if params and not any(name in SIGNIFICANT_PARAMS for name, _ in params):
            return self._lookup(path)
        if not path.endswith("/"):
            with_slash = url_key(path + "/", query)
            if with_slash in entries:
                return with_slash, Entry(status=301, location=with_slash)
        if path.endswith("/page/1/"):  # WordPress sends page 1 of an archive to the archive
            first = url_key(path.removesuffix("page/1/"), query)
            if first in entries:
                return first, Entry(status=301, location=first)
        return None

    def _not_found(self) -> Answer:
        if self._not_found_body is None:
            self._not_found_body = self.snapshot.not_found_body() or error_page(404)
        return Answer(404, self._not_found_body)

    def _absolute(self, location: str) -> str:
        """Redirect targets on the site's own hosts point at this server instead."""
        if location.startswith("/"):
            return self.url.rstrip("/") + location
        target = urlsplit(location)
        if target.netloc.lower() in self._own_hosts:
            return (
                self.url.rstrip("/")
                + (target.path or "/")
                + (f"?{target.query}" if target.query else "")
            )
        return location


def _not_modified(headers: Message, etag: str, last_modified: str | None) -> bool:
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip() for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    if_modified_since = headers.get("If-Modified-Since")
    if if_modified_since and last_modified:
        since = parse_http_date(if_modified_since)
        modified = parse_http_date(last_modified)
        return since is not None and modified is not None and modified <= since
    return False


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog (socketserver's default is 5). A crawl resuming after a host pause opens
    # up to 16 connections at once; past the backlog the kernel drops connection attempts, the
    # client retries after 1 s and a short --timeout turns that into a spurious timeout. Web
    # servers use hundreds (nginx: 511).
    request_queue_size = 128
    replay: ReplayServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is normal (timeouts, fault tests): stay quiet."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = SERVER_NAME
    sys_version = ""
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm holds the body
        # back until the client's delayed ACK (about 40 ms a request on Linux loopback).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr log; requests go to the replay log instead."""

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _method_not_allowed(self) -> None:
        started = time.time()
        body = error_page(405)
        self._log(started, 405, len(body), None)
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self._send_body_headers(HTML, len(body))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    def _serve(self, head: bool) -> None:
        replay = self.server.replay
        started = time.time()
        parts = urlsplit(self.path)
        path, query = parts.path or "/", parts.query
        fault = replay.choose_fault(url_key(path, query))
        # Each request is logged before the client can see its answer, so a client that has
        # its response can rely on the log holding it.
        if fault is not None and fault.kind is FaultKind.DROP:
            self._log(started, 0, 0, fault)
            self.close_connection = True
            self._drop()
            return
        if fault is not None and fault.kind is FaultKind.SLOW:
            time.sleep(fault.delay)
        truncate = fault is not None and fault.kind is FaultKind.TRUNCATE
        answer = self._faulty_answer(fault, path, query) or replay.answer(path, query, self.headers)
        payload = b"" if head or answer.status == 304 else answer.body
        if truncate:
            payload = payload[: len(payload) // 2]
        self._log(started, answer.status, len(payload), fault)
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        if answer.status == 304:
            self.send_header("Content-Length", "0")
        else:
            self._send_body_headers(answer.content_type, len(answer.body))
        if truncate:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    def _faulty_answer(self, fault: Fault | None, path: str, query: str) -> Answer | None:
        if fault is None:
            return None
        if fault.kind is FaultKind.STATUS:
            headers = (("Retry-After", str(fault.retry_after)),) if fault.retry_after else ()
            return Answer(fault.status, error_page(fault.status), HTML, headers)
        if fault.kind is FaultKind.LOOP:
            params = [
                (k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != LOOP_PARAM
            ]
            if len(params) == len(parse_qsl(query, keep_blank_values=True)):
                params.append((LOOP_PARAM, "1"))
            target = url_key(path, "&".join(f"{k}={v}" for k, v in params))
            location = self.server.replay.url.rstrip("/") + target
            return Answer(302, content_type=None, headers=(("Location", location),))
        return None

    def _send_body_headers(self, content_type: str | None, length: int) -> None:
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))

    def _drop(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _log(self, started: float, status: int, sent: int, fault: Fault | None) -> None:
        self.server.replay.log_request(
            {
                "method": self.command,
                "path": self.path,
                "status": status,
                "bytes": sent,
                "time": round(started, 6),
                "duration_ms": round((time.time() - started) * 1000, 3),
                "fault": fault.describe() if fault else None,
            }
        )


def iter_log(path: str | Path) -> Iterator[dict[str, Any]]:
    """Read back a JSON Lines request log."""
    with Path(path).open(encoding="utf-8") as log:
        for line in log:
            if line.strip():
                yield json.loads(line)
