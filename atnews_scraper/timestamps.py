"""Time zones and timestamp text: the Kabul zone, ISO 8601 and HTTP dates."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

# Afghanistan keeps +04:30 all year (no daylight saving), so a fixed offset is exact.
KABUL = dt.timezone(dt.timedelta(hours=4, minutes=30), "Asia/Kabul")


def parse_iso(value: str, naive_zone: dt.tzinfo) -> dt.datetime:
    """A tz-aware datetime from ISO 8601 ("Z" and "+0430" offsets too); a value without an
    offset is taken in ``naive_zone``. Raises ValueError for anything else."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=naive_zone)


def parse_http_date(value: str | None) -> dt.datetime | None:
    """A tz-aware datetime from an HTTP / RFC 822 date (``Thu, 15 Sep 2022 05:30:00 GMT``);
    a date without a zone is taken as UTC. None when absent or not such a date."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
