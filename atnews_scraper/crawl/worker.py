"""The extraction worker process: `python -m atnews_scraper.crawl.worker FD`.

It reads requests from the socket FD and answers each, in order, on the same socket. Every
message is a frame: a 4-byte big-endian length, then a pickle. The first request is the crawl's
``UrlRules``; each later one is ``(url, html, content_type)`` and its answer is
``(ok, record or error text, peak resident MB)``. The worker exits when the crawl closes the
socket (or dies). It imports only the extractor, not Scrapy or the store.
"""

from __future__ import annotations

import pickle
import resource
import signal
import socket
import struct
import sys
from typing import Any, BinaryIO

from atnews_scraper.extract import extract_article

HEADER = struct.Struct(">I")


def frame(message: Any) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def read_frame(stream: BinaryIO) -> Any:
    """The next message, or None at the end of the stream."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return pickle.loads(payload)


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    /proc's VmHWM, where there is one: Linux carries ``ru_maxrss`` over an exec, so in a process
    started by a big one it reports the parent's size at the fork, not this program's peak.
    """
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def serve(sock: socket.socket) -> None:
    with sock, sock.makefile("rb") as requests:
        rules = read_frame(requests)
        while (request := read_frame(requests)) is not None:
            url, html, content_type = request
            try:
                answer: tuple[bool, Any, float] = (
                    True,
                    extract_article(html, url, rules=rules, content_type=content_type),
                    peak_rss_mb(),
                )
            except Exception as exc:  # reported to the crawl, which counts it and goes on
                answer = (False, f"{type(exc).__name__}: {exc}", peak_rss_mb())
            sock.sendall(frame(answer))


def main(argv: list[str]) -> int:
    # Ctrl-C reaches the whole process group: the crawl stops cleanly and closes the socket.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(socket.socket(fileno=int(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
