"""What one crawl run is asked to do, checked once, from command-line options: the options
`atnews crawl` and `atnews worker` share are declared and converted here, once."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from atnews_scraper.config import DEFAULT_HOSTS, DEFAULT_SITE_URL, Config
from atnews_scraper.errors import ConfigError

SOURCES = ("sitemaps", "feeds", "listings", "links")
DEFAULT_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class CrawlOptions:
    site_url: str = DEFAULT_SITE_URL
    hosts: tuple[str, ...] = DEFAULT_HOSTS
    full: bool = False  # walk every sitemap, feed and listing page, not just what changed
    refresh: bool = False  # fetch known articles again (unconditionally)
    since: dt.date | None = None  # only articles published or modified on or after this day
    max_pages: int | None = None  # at most this many requests from the spider
    polite: bool = True
    jobdir: Path | None = None
    sources: frozenset[str] = field(default_factory=lambda: frozenset(SOURCES))
    timeout: float = DEFAULT_TIMEOUT_S
    log_file: Path | None = None
    scrapy_settings: tuple[tuple[str, str], ...] = ()  # `-s NAME=VALUE`, applied last
    feeds: dict[str, dict[str, object]] = field(default_factory=dict)  # `-o/-O FILE`: FEEDS


def add_crawl_options(parser: argparse.ArgumentParser, log_file: str) -> None:
    """The options of a crawl run that `atnews crawl` and `atnews worker` both take; log_file
    names the default log file (in the help)."""
    parser.add_argument(
        "--site-url",
        metavar="URL",
        help="fetch from this root instead (a mirror, `atnews replay`); default: $ATNEWS_SITE_URL "
        "or https://www.afghanistantimes.af/",
    )
    parser.add_argument(
        "--full", action="store_true", help="walk every sitemap, feed and listing page"
    )
    parser.add_argument(
        "--refresh", action="store_true", help="fetch already stored articles again"
    )
    parser.add_argument(
        "--since", metavar="DATE", help="only articles published or changed on or after YYYY-MM-DD"
    )
    parser.add_argument(
        "--no-polite",
        dest="polite",
        action="store_false",
        help="no delays, no AutoThrottle (mirrors, replay, tests); robots.txt is still obeyed",
    )
    parser.add_argument(
        "--sources",
        default=",".join(SOURCES),
        help=f"comma-separated discovery sources (default: {','.join(SOURCES)})",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"per-request timeout (default: {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--log-file", metavar="PATH", type=Path, help=f"log file (default: {log_file})"
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def crawl_options_from_args(args: argparse.Namespace, config: Config) -> CrawlOptions:
    """The run's options from those add_crawl_options declares, every value checked; raises
    ConfigError with a one-line reason."""
    check_positive("--timeout", args.timeout)
    return CrawlOptions(
        site_url=check_site_url(config.site_url),
        hosts=config.hosts,
        full=args.full,
        refresh=args.refresh,
        since=parse_since(args.since) if args.since else None,
        polite=args.polite,
        sources=parse_sources(args.sources),
        timeout=args.timeout,
        log_file=args.log_file.resolve() if args.log_file else None,
    )


def parse_sources(value: str) -> frozenset[str]:
    """``sitemaps,feeds`` -> {"sitemaps", "feeds"}; a clear error for anything unknown."""
    names = [part.strip().lower() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in SOURCES]
    if unknown or not names:
        bad = ", ".join(unknown) if unknown else "(nothing)"
        raise ConfigError(
            f"--sources: unknown source {bad}; give a comma-separated list of {', '.join(SOURCES)}"
        )
    return frozenset(names)


def parse_since(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"--since: {value!r} is not a date; use YYYY-MM-DD") from None


def check_site_url(value: str) -> str:
    """The site root with a trailing slash; a clear error when it is not an http(s) URL."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"--site-url: {value!r} is not an http(s) URL; "
            "expected e.g. https://www.afghanistantimes.af/ or http://127.0.0.1:8080/"
        )
    return f"{parts.scheme}://{parts.netloc}/"


def check_positive(name: str, value: float | None) -> None:
    if value is not None and value <= 0:
        raise ConfigError(f"{name}: must be greater than 0 (got {value:g})")


def positive_int_env(name: str, default: int) -> int:
    """A whole number above 0 from the environment variable ``name``, else ``default``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) <= 0:
        raise ConfigError(f"{name}: {value!r} is not a whole number above 0; unset it or fix it")
    return int(value)


def parse_scrapy_settings(values: list[str]) -> tuple[tuple[str, str], ...]:
    """``-s NAME=VALUE`` options, as Scrapy's own `scrapy crawl -s` takes them."""
    pairs = []
    for value in values:
        name, equals, setting = value.partition("=")
        if not equals or not name.strip():
            raise ConfigError(f"-s: {value!r} is not NAME=VALUE")
        pairs.append((name.strip(), setting))
    return tuple(pairs)


def parse_feeds(output: list[str], overwrite: list[str]) -> dict[str, dict[str, object]]:
    """``-o FILE`` (append) / ``-O FILE`` (overwrite) as Scrapy's FEEDS setting; the format
    comes from the extension or a ``:FORMAT`` suffix, as with `scrapy crawl -o`."""
    if not output and not overwrite:
        return {}
    if output and overwrite:
        raise ConfigError("-o and -O cannot be used together")
    from scrapy.exceptions import UsageError
    from scrapy.settings import Settings
    from scrapy.utils.conf import feed_process_params_from_cli

    settings = Settings()
    settings.setmodule("atnews_scraper.settings", priority="project")
    try:
        return feed_process_params_from_cli(settings, output, overwrite_output=overwrite)
    except UsageError as exc:
        raise ConfigError(f"-o/-O: {exc}") from None
