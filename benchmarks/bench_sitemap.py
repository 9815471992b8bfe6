"""Big discovery input: a 100,000-URL sitemap (8 MB) and a 3.4 MB robots.txt.

Memory: `atnews crawl --no-polite --sources sitemaps` of a local site whose only sitemap lists
100,000 article URLs, against the same crawl of a 1,000-URL sitemap (the peer, in the same run).
robots.txt disallows the articles, so each request goes through the scheduler and is dropped
before the network: what is measured is the crawl holding a sitemap's requests, not fetching
them. Target: peak memory under 300 MB (issue 11: 522 MB when every request was built at
once); the ratio to the peer's peak is printed.

CPU: the robots.txt check of one URL, with the rules read as the crawl reads them (the first
500 KiB, crawl/robots.py), against all 3.4 MB of them (the peer).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from protego import Protego

from atnews_scraper.config import PROJECT_ROOT
from atnews_scraper.crawl.robots import read_robots
from atnews_scraper.ferretdb import EmbeddedServer

MAIN = "https://www.afghanistantimes.af"
BIG, SMALL = 100_000, 1_000
MEMORY_TARGET_MB = 300.0
ROBOTS = f"User-agent: *\nDisallow: /story-\n\nSitemap: {MAIN}/sitemap.xml\n".encode()


def sitemap(count: int) -> bytes:
    urls = "".join(
        f"<url><loc>{MAIN}/story-{n}-of-the-day/</loc>"
        f"<lastmod>2024-05-01T10:00:00+00:00</lastmod></url>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = {"/robots.txt": ROBOTS, "/sitemap.xml": body}.get(self.path)
            self.send_response(200 if found else 404)
            self.send_header("Content-Length", str(len(found or b"")))
            self.end_headers()
            self.wfile.write(found or b"")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def crawl_peak_mb(count: int, mongo_uri: str, var_dir: Path) -> tuple[float, dict[str, Any]]:
    body = sitemap(count)
    server = serve(body)
    try:
        command = [
            sys.executable, "-m", "atnews_scraper.cli", "crawl", "--no-polite", "--json",
            "--sources", "sitemaps", "--site-url", f"http://127.0.0.1:{server.server_address[1]}/",
            "--mongo-uri", mongo_uri, "--db", f"bench_sitemap_{count}", "--var-dir", str(var_dir),
        ]  # fmt: skip
        env = {**os.environ, "ATNEWS_EXTRACT_WORKERS": "0"}
        done = subprocess.run(
            command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False, env=env
        )
    finally:
        server.shutdown()
        server.server_close()
    if done.returncode != 0:
        raise RuntimeError(f"crawl exited {done.returncode}: {done.stderr.strip()[-500:]}")
    summary: dict[str, Any] = json.loads(done.stdout)
    print(
        f"sitemap of {count} URLs ({len(body) / 2**20:.1f} MB): {summary['requests']} requests, "
        f"skipped {summary['skipped']}, peak memory {summary['peak_memory_mb']:.0f} MB"
    )
    return float(summary["peak_memory_mb"]), summary


def robots_check_seconds(robots: Protego, checks: int = 20) -> float:
    started = time.process_time()
    for n in range(checks):
        robots.can_fetch(f"{MAIN}/some-article-{n}/", "atnews")
    return (time.process_time() - started) / checks


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-sitemap-") as tmp:
        base = Path(tmp)
        database = EmbeddedServer(base / "db", base / "run", base / "log")
        info = database.start()
        try:
            small, _ = crawl_peak_mb(SMALL, info.uri, base / "var-small")
            big, summary = crawl_peak_mb(BIG, info.uri, base / "var-big")
        finally:
            database.stop()
    ratio = big / small
    print(f"peak memory, {BIG} / {SMALL} URLs: {ratio:.2f}")
    print(f"peak memory, {BIG} URLs: {big:.0f} MB (target < {MEMORY_TARGET_MB:.0f} MB)")

    rules = "".join(f"Disallow: /private-{n}/*.php$\n" for n in range(120_000))
    text = f"User-agent: *\n{rules}Sitemap: {MAIN}/sitemap.xml\n"
    whole = robots_check_seconds(Protego.parse(text))
    read, _sitemaps = read_robots(text)
    cut = robots_check_seconds(read)
    print(
        f"robots.txt of {len(text) / 2**20:.1f} MB, CPU per URL checked: {1000 * cut:.1f} ms "
        f"as read (first 500 KiB) against {1000 * whole:.1f} ms for all of it: {cut / whole:.2f}"
    )
    ok = big < MEMORY_TARGET_MB and cut < whole
    dropped = summary["skipped"].get("robots", 0)
    if dropped != BIG:
        print(f"expected {BIG} requests dropped by robots.txt, got {dropped}")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
