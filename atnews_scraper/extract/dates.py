"""Dates: every source form to ISO 8601 in Kabul time (+04:30), with its precision."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from atnews_scraper.timestamps import KABUL, parse_iso

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
# "September 15, 2022", "Sep 15 2022", "15 September 2022", optionally followed by a time.
_TEXT_DATES = (
    re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b"),
    re.compile(rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})\b"),
)
_TIME = re.compile(
    r"\s*(?:at\s+|,\s*|-\s*)?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?m\.?)?",
    re.IGNORECASE,
)
_ISO_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")
# Nothing outside these years is a publication date on a news site; a value outside them
# (9999-12-31, 0001-01-01) is dropped, and every value inside converts to any time zone.
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100


@dataclass(frozen=True)
class DateValue:
    iso: str  # e.g. "2022-09-15T00:00:00+04:30"
    precision: str  # "datetime" or "date"


def parse_date(text: str | None) -> DateValue | None:
    """An ISO 8601 string or a printed date ("September 15, 2022") in Kabul time, else None."""
    if not text:
        return None
    text = " ".join(text.split())
    if _ISO_DATE_ONLY.match(text):
        return _date_only(text)
    if _ISO_LIKE.match(text):
        return _iso_datetime(text)
    return _printed(text)


def plausible(value: dt.date) -> bool:
    """Whether a date (or datetime) lies within the years a publication date can have."""
    return EARLIEST_YEAR <= value.year <= LATEST_YEAR


def to_kabul(value: dt.datetime) -> str:
    """ISO 8601 in Kabul time; a naive value is taken to be Kabul local time already."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=KABUL)
    return value.astimezone(KABUL).replace(microsecond=0).isoformat()


def _date_only(text: str) -> DateValue | None:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return _from_date(day)


def _from_date(day: dt.date) -> DateValue | None:
    if not plausible(day):
        return None
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=KABUL)
    return DateValue(midnight.isoformat(), "date")


def _iso_datetime(text: str) -> DateValue | None:
    try:
        value = parse_iso(text.replace(" ", "T", 1), KABUL)
    except ValueError:
        return None
    if not plausible(value):
        return None
    try:
        return DateValue(to_kabul(value), "datetime")
    except OverflowError:  # e.g. 9999-12-31T23:00-12:00 is past year 9999 in Kabul time
        return None


def _printed(text: str) -> DateValue | None:
    for pattern in _TEXT_DATES:
        match = pattern.match(text)
        if match:
            break
    else:
        return None
    month = _MONTHS.get(match.group("month").lower())
    if month is None:
        return None
    try:
        day = dt.date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None
    time = _TIME.match(text[match.end() :])
    if not time:
        return _from_date(day)
    hour, minute = int(time.group("hour")), int(time.group("minute"))
    ampm = (time.group("ampm") or "").replace(".", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        value = dt.datetime(
            day.year, day.month, day.day, hour, minute, int(time.group("second") or 0)
        )
    except ValueError:
        return _from_date(day)
    if not plausible(day):
        return None
    return DateValue(to_kabul(value), "datetime")
