"""How generated pages spell links: absolute URLs on the real hosts, as the live site prints them.

The live site mixes host spellings (``https://www.``, bare ``http://``, the ``.media`` mirror
without trailing slashes), so a crawler of the snapshot has to map every one to its mirror.
"""

from __future__ import annotations

import datetime as dt
import html

from tooling.sitegen.spec import SITE_URL

MAIN = "https://www.afghanistantimes.af"
BARE_HTTP = "http://afghanistantimes.af"
MEDIA = "https://afghanistantimes.media"
FACEBOOK = "https://www.facebook.com/afghanistantimes"
TWITTER = "https://twitter.com/AfghanistanTime"

# Characters WordPress's texturize filter writes as numeric entities.
_TEXTURIZED = {"’": "&#8217;", "‘": "&#8216;", "“": "&#8220;", "”": "&#8221;", "–": "&#8211;"}


def url(path: str, host: str = MAIN) -> str:
    """An absolute link to a site path; the .media mirror drops the trailing slash."""
    if host == MEDIA and path != "/" and path.endswith("/"):
        path = path.rstrip("/")
    return host + path


def upload(path: str) -> str:
    return f"{SITE_URL}wp-content/uploads/{path}"


def text(value: str) -> str:
    """Text as WordPress prints it: HTML-escaped, curly quotes as numeric entities."""
    escaped = html.escape(value, quote=False)
    for char, entity in _TEXTURIZED.items():
        escaped = escaped.replace(char, entity)
    return escaped


def attr(value: str) -> str:
    return html.escape(value, quote=True)


def display_date(moment: dt.datetime) -> str:
    """The theme's date format: ``September 15, 2022``."""
    return f"{moment:%B} {moment.day}, {moment.year}"


def iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
