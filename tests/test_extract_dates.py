"""Dates in every source form, to Kabul time (+04:30) with their precision."""

from __future__ import annotations

import pytest

from atnews_scraper.extract.dates import DateValue, parse_date


@pytest.mark.parametrize(
    ("text", "iso", "precision"),
    [
        ("September 15, 2022", "2022-09-15T00:00:00+04:30", "date"),
        ("Sep 15 2022", "2022-09-15T00:00:00+04:30", "date"),
        ("Sept. 5, 2022", "2022-09-05T00:00:00+04:30", "date"),
        ("15 September 2022", "2022-09-15T00:00:00+04:30", "date"),
        ("1st March, 2021", "2021-03-01T00:00:00+04:30", "date"),
        ("2022-09-15", "2022-09-15T00:00:00+04:30", "date"),
        ("2022-09-15T10:20:30+00:00", "2022-09-15T14:50:30+04:30", "datetime"),
        ("2022-09-15T10:20:30Z", "2022-09-15T14:50:30+04:30", "datetime"),
        ("2022-09-15T10:20:30+0430", "2022-09-15T10:20:30+04:30", "datetime"),
        ("2022-09-15 10:20", "2022-09-15T10:20:00+04:30", "datetime"),
        ("2022-09-15T22:00:00-05:00", "2022-09-16T07:30:00+04:30", "datetime"),
        ("2022-09-15T10:20:30.123456+04:30", "2022-09-15T10:20:30+04:30", "datetime"),
        ("September 15, 2022 at 3:05 pm", "2022-09-15T15:05:00+04:30", "datetime"),
        ("September 15, 2022, 12:30 AM", "2022-09-15T00:30:00+04:30", "datetime"),
    ],
)
def test_parse_date(text: str, iso: str, precision: str) -> None:
    assert parse_date(text) == DateValue(iso, precision)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "2 hours ago",
        "Smarch 15, 2022",
        "February 30, 2022",
        "2022-13-01",
        "0001-01-01T00:00:00Z",
        "January 1, 1970",
    ],
)
def test_unusable_dates_give_none(text: str | None) -> None:
    assert parse_date(text) is None
