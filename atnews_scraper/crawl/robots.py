"""robots.txt, read once per crawl: its rules (Protego) and its ``Sitemap:`` lines."""

from __future__ import annotations

import logging

from protego import Protego

from atnews_scraper.crawl.sitemaps import robots_sitemaps

logger = logging.getLogger(__name__)

# RFC 9309 2.5: a crawler may stop reading robots.txt rules after 500 KiB (Google does). Rules
# are matched for each request, so megabytes of them would cost CPU on every request.
MAX_ROBOTS_BYTES = 500 * 1024


def read_robots(text: str) -> tuple[Protego, list[str]]:
    """The rules of a robots.txt, from its first MAX_ROBOTS_BYTES (a warning when it is longer),
    and its ``Sitemap:`` URLs, from all of it."""
    if len(text) <= MAX_ROBOTS_BYTES:
        robots = Protego.parse(text)
        return robots, list(robots.sitemaps)
    cut = text.rfind("\n", 0, MAX_ROBOTS_BYTES)
    logger.warning(
        "robots.txt is %d characters long: only the rules in its first %d are obeyed (RFC 9309)",
        len(text),
        MAX_ROBOTS_BYTES,
    )
    return Protego.parse(text[: cut if cut > 0 else MAX_ROBOTS_BYTES]), robots_sitemaps(text)
