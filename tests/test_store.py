from __future__ import annotations

import datetime as dt

import pytest
from pymongo.database import Database

from atnews_scraper.database import connect, hide_password
from atnews_scraper.errors import ConfigError, StoreUnavailable
from atnews_scraper.ferretdb import free_port

KABUL = dt.timezone(dt.timedelta(hours=4, minutes=30))


def test_round_trip_keeps_datetimes_unicode_and_nested_lists(database: Database) -> None:
    published = dt.datetime(2022, 9, 15, 10, 30, tzinfo=KABUL)
    record = {
        "url": "https://www.afghanistantimes.af/sco-summit/",
        "title": "د افغانستان ټایمز — افغانستان تایمز",
        "published_at": published,
        "tags": ["SCO", "Samarkand"],
        "related": [{"title": "Iran", "url": "https://x/", "tags": ["a", "b"]}],
    }
    database.articles.insert_one(dict(record))
    stored = database.articles.find_one({"url": record["url"]}, {"_id": False})
    assert stored is not None
    assert stored["title"] == "د افغانستان ټایمز — افغانستان تایمز"
    assert stored["published_at"] == published
    assert stored["published_at"].utcoffset() == dt.timedelta(0)
    assert stored["published_at"].isoformat() == "2022-09-15T06:00:00+00:00"
    assert stored["related"] == [{"title": "Iran", "url": "https://x/", "tags": ["a", "b"]}]
    assert stored["tags"] == ["SCO", "Samarkand"]


def test_unreachable_server_is_one_clear_error() -> None:
    port = free_port()
    with pytest.raises(StoreUnavailable) as info:
        connect(f"mongodb://bob:secret@127.0.0.1:{port}/", "x", timeout_ms=300)
    message = str(info.value)
    assert message.startswith(f"cannot reach the database at mongodb://bob:***@127.0.0.1:{port}/")
    assert "secret" not in message


def test_malformed_uri_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        connect("mango://nowhere", "x")
    assert "is not a valid MongoDB URI" in str(info.value)


def test_hide_password() -> None:
    assert hide_password("mongodb://u:p@h:1/db") == "mongodb://u:***@h:1/db"
    assert hide_password("mongodb://h:1/") == "mongodb://h:1/"
