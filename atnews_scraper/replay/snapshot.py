"""The snapshot format: a directory of files plus ``manifest.json`` mapping URLs to them.

A snapshot is what a web server would answer for each URL of a site, so a generated site and a
recorded live site are stored the same way::

    manifest.json
    index.html                   <- "/"
    some-article/index.html      <- "/some-article/"
    feed/index.xml               <- "/feed/"
    wp-sitemap.xml               <- "/wp-sitemap.xml"
    index@s=kabul.html           <- "/?s=kabul"

``manifest.json``::

    {"format": "atnews-snapshot/1",
     "site_url": "https://www.afghanistantimes.af/",     # the site the snapshot stands for
     "not_found": "404.html",                             # body of 404 answers (optional)
     "entries": {"/some-article/": {"file": "some-article/index.html",
                                    "content_type": "text/html; charset=UTF-8",
                                    "status": 200,
                                    "last_modified": "Thu, 15 Sep 2022 05:30:00 GMT"},
                 "/?p=123": {"status": 301, "location": "/some-article/"}}}

Keys are the URL path (percent-decoded) plus ``?query`` with the parameters sorted. An entry may
also carry ``"gzip": true`` (the file is stored gzip-compressed and served decompressed) and
``"etag"`` (a recorded ETag; otherwise the server derives one from the body).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

from atnews_scraper.errors import AtnewsError

MANIFEST_NAME = "manifest.json"
SNAPSHOT_FORMAT = "atnews-snapshot/1"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

HTML = "text/html; charset=UTF-8"
RSS = "application/rss+xml; charset=UTF-8"
XML = "application/xml; charset=UTF-8"
TEXT = "text/plain; charset=UTF-8"

_EXTENSION_BY_TYPE = {"text/html": ".html", "application/rss+xml": ".xml", "text/plain": ".txt"}


class SnapshotError(AtnewsError):
    """A snapshot directory that is missing or malformed."""


@dataclass(frozen=True)
class Entry:
    """What the server answers for one URL."""

    status: int = 200
    file: str | None = None  # relative to the snapshot directory; None for redirects
    content_type: str | None = None
    last_modified: str | None = None  # an HTTP date, as in the Last-Modified header
    location: str | None = None  # redirect target: a path on the site, or an absolute URL
    etag: str | None = None
    gzip: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status}
        for name in ("file", "content_type", "last_modified", "location", "etag"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.gzip:
            data["gzip"] = True
        return data


def url_key(path: str, query: str = "") -> str:
    """The manifest key of a request: decoded path, plus the query with sorted parameters."""
    path = unquote(path) or "/"
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def split_key(key: str) -> tuple[str, str]:
    path, _, query = key.partition("?")
    return path, query


def http_date(moment: dt.datetime) -> str:
    """RFC 9110 date for headers: ``Thu, 15 Sep 2022 05:30:00 GMT``."""
    return format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def file_name_for(key: str, content_type: str) -> str:
    """Where a URL's body is stored: ``/a/b/`` -> ``a/b/index.html``; ``/x.xml`` -> ``x.xml``."""
    path, query = split_key(key)
    segments = [quote(s, safe="-_.") for s in path.split("/") if s]
    if segments and not path.endswith("/") and "." in segments[-1]:
        directory, name = segments[:-1], segments[-1]
    else:
        extension = _EXTENSION_BY_TYPE.get(content_type.split(";")[0].strip(), ".bin")
        directory, name = segments, "index" + extension
    if query:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem}@{re.sub(r'[^A-Za-z0-9=&_.-]', '_', query)}{dot}{extension}"
    return "/".join([*directory, name])


def _refuse_outside(root: Path, name: str, where: str) -> None:
    """A SnapshotError unless ``name`` (symlinks followed) is inside the snapshot directory:
    the server must never answer with a file the snapshot does not hold."""
    if not (root / name).resolve().is_relative_to(root.resolve()):
        raise SnapshotError(
            f"{where} names {name!r}, outside the snapshot; "
            "every file must be inside the snapshot directory"
        )


@dataclass
class Snapshot:
    """A loaded snapshot: its entries, and the bodies read on demand."""

    root: Path
    site_url: str
    entries: dict[str, Entry]
    not_found: str | None = None

    @classmethod
    def load(cls, root: str | Path) -> Snapshot:
        root = Path(root)
        manifest_path = root / MANIFEST_NAME
        if not root.is_dir():
            raise SnapshotError(
                f"no snapshot at {root}: the directory does not exist "
                "(build one with `python -m tooling.sitegen build DIR`)"
            )
        if not manifest_path.is_file():
            raise SnapshotError(
                f"{root} is not a snapshot: it has no {MANIFEST_NAME} "
                "(build one with `python -m tooling.sitegen build DIR`)"
            )
        try:
            data = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SnapshotError(
                f"{manifest_path}: unreadable manifest ({exc}); rebuild it"
            ) from exc
        if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
            raise SnapshotError(
                f"{manifest_path}: not an {SNAPSHOT_FORMAT} manifest; rebuild the snapshot"
            )
        entries: dict[str, Entry] = {}
        for key, raw in data.get("entries", {}).items():
            try:
                entry = Entry(**raw)
            except TypeError as exc:
                raise SnapshotError(f"{manifest_path}: entry {key!r} is malformed ({exc})") from exc
            if entry.status in REDIRECT_STATUSES and not entry.location:
                raise SnapshotError(f"{manifest_path}: redirect {key!r} has no location")
            if entry.status not in REDIRECT_STATUSES and entry.file is None:
                raise SnapshotError(f"{manifest_path}: entry {key!r} has no file")
            entries[url_key(*split_key(key))] = entry
        for key, entry in entries.items():
            if entry.file is not None:
                _refuse_outside(root, str(entry.file), f"{manifest_path}: entry {key!r}")
        not_found = data.get("not_found")
        if not_found is not None:
            _refuse_outside(root, str(not_found), f"{manifest_path}: not_found")
        missing = sorted(
            e.file for e in entries.values() if e.file and not (root / e.file).is_file()
        )
        if missing:
            raise SnapshotError(
                f"{root}: {len(missing)} file(s) of the manifest are missing, e.g. {missing[0]}; "
                "rebuild or re-copy the snapshot"
            )
        return cls(root, str(data.get("site_url", "")), entries, not_found)

    def body(self, entry: Entry) -> bytes:
        if entry.file is None:
            return b""
        raw = (self.root / entry.file).read_bytes()
        return gzip.decompress(raw) if entry.gzip else raw

    def not_found_body(self) -> bytes | None:
        if self.not_found is None:
            return None
        path = self.root / self.not_found
        return path.read_bytes() if path.is_file() else None


class SnapshotWriter:
    """Builds a snapshot directory: add bodies and redirects, then ``write()`` the manifest."""

    def __init__(self, root: str | Path, site_url: str) -> None:
        self.root = Path(root)
        self.site_url = site_url
        self.entries: dict[str, Entry] = {}
        self.not_found: str | None = None

    def add(
        self,
        key: str,
        body: bytes | str,
        content_type: str,
        last_modified: dt.datetime | None = None,
        status: int = 200,
        compress: bool = False,
    ) -> Entry:
        key = url_key(*split_key(key))
        data = body.encode("utf-8") if isinstance(body, str) else body
        name = file_name_for(key, content_type) + (".gz" if compress else "")
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        # mtime=0 keeps gzip output byte-identical between runs.
        target.write_bytes(gzip.compress(data, mtime=0) if compress else data)
        entry = Entry(
            status=status,
            file=name,
            content_type=content_type,
            last_modified=http_date(last_modified) if last_modified else None,
            gzip=compress,
        )
        self.entries[key] = entry
        return entry

    def add_recorded(
        self,
        key: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
        compress: bool = True,
    ) -> Entry:
        """Store a response as fetched from a live server, keeping the headers that matter."""
        found = {name.lower(): value for name, value in headers.items()}
        if status in REDIRECT_STATUSES:
            return self.add_redirect(key, found.get("location", "/"), status)
        content_type = found.get("content-type", "application/octet-stream")
        entry = self.add(key, body, content_type, status=status, compress=compress)
        entry = replace(entry, last_modified=found.get("last-modified"), etag=found.get("etag"))
        self.entries[url_key(*split_key(key))] = entry
        return entry

    def add_redirect(self, key: str, location: str, status: int = 301) -> Entry:
        entry = Entry(status=status, location=location)
        self.entries[url_key(*split_key(key))] = entry
        return entry

    def add_not_found(self, body: str) -> None:
        name = "404.html"
        (self.root / name).parent.mkdir(parents=True, exist_ok=True)
        (self.root / name).write_text(body, encoding="utf-8")
        self.not_found = name

    def write(self) -> Path:
        manifest: dict[str, Any] = {"format": SNAPSHOT_FORMAT, "site_url": self.site_url}
        if self.not_found:
            manifest["not_found"] = self.not_found
        manifest["entries"] = {key: self.entries[key].to_json() for key in sorted(self.entries)}
        path = self.root / MANIFEST_NAME
        path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path
