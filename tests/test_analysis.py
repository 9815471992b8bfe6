"""Pure parts of the analyst tools: filters, fields, cell formatting, buckets, search ranking."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from atnews_scraper.analysis.fields import (
    field_value,
    parse_field_list,
    parse_sort,
    projection,
)
from atnews_scraper.analysis.filters import combine, date_range, parse_filter
from atnews_scraper.analysis.formatting import cell_text
from atnews_scraper.analysis.plot import chart_title, moving_average, plot_counts
from atnews_scraper.analysis.search import rank, search_words, word_pattern
from atnews_scraper.analysis.stats import Bucket, time_buckets, value_buckets
from atnews_scraper.errors import ConfigError

UTC = dt.UTC


def test_iso_dates_under_date_fields_become_utc_datetimes_inside_operators() -> None:
    parsed = parse_filter(
        '{"published_at": {"$gte": "2022-09-01", "$in": ["2022-09-15T10:00:00Z"]},'
        ' "$or": [{"fetched_at": "2026-11-20T10:00:00+04:30"}, {"title": "2022-09-01"}],'
        ' "tags": "Women"}'
    )
    assert parsed == {
        "published_at": {
            "$gte": dt.datetime(2022, 8, 31, 19, 30, tzinfo=UTC),
            "$in": [dt.datetime(2022, 9, 15, 10, 0, tzinfo=UTC)],
        },
        "$or": [
            {"fetched_at": dt.datetime(2026, 11, 20, 5, 30, tzinfo=UTC)},
            {"title": "2022-09-01"},
        ],
        "tags": "Women",
    }


def test_malformed_json_is_reported_with_its_position() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_filter('{"tags": "Women" "title": 1}')
    assert str(caught.value) == (
        "FILTER_JSON is not valid JSON: Expecting ',' delimiter at line 1, column 18 "
        '(character 18): {"tags": "Women" >>>"title": 1}...; '
        'write a JSON object, e.g. \'{"categories": "Editorial"}\''
    )


@pytest.mark.parametrize("operator", ["$where", "$function", "$accumulator", "$merge", "$out"])
def test_server_side_code_and_write_stages_are_refused_at_any_depth(operator: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"FILTER_JSON: {operator} is not allowed")):
        parse_filter(f'{{"$and": [{{"title": "x"}}, {{"{operator}": "1"}}]}}')


def test_a_filter_that_is_not_an_object_or_has_a_bad_date_says_what_to_write() -> None:
    with pytest.raises(ConfigError, match="must be a JSON object, got list"):
        parse_filter("[1]")
    with pytest.raises(ConfigError) as caught:
        parse_filter('{"published_at": {"$gte": "15/09/2022"}}')
    assert str(caught.value) == (
        "FILTER_JSON published_at: '15/09/2022' is not an ISO 8601 date; "
        "write e.g. 2022-09-01 or 2022-09-01T08:30:00+04:30"
    )


def test_since_until_cover_whole_days_in_kabul_time() -> None:
    assert date_range("2022-09-01", "2022-09-30") == {
        "published_at": {
            "$gte": dt.datetime(2022, 8, 31, 19, 30, tzinfo=UTC),
            "$lt": dt.datetime(2022, 9, 30, 19, 30, tzinfo=UTC),
        }
    }
    assert date_range(None, "2022-09-30T12:00:00Z") == {
        "published_at": {"$lte": dt.datetime(2022, 9, 30, 12, 0, tzinfo=UTC)}
    }
    assert date_range(None, None) == {}
    assert combine({"a": 1}, {}, {"b": 2}) == {"$and": [{"a": 1}, {"b": 2}]}
    assert combine({}, {"b": 2}) == {"b": 2}


def test_fields_and_sort_keys_are_checked_against_the_record() -> None:
    assert parse_field_list(" title, check_also.url ,related.title") == [
        "title",
        "check_also.url",
        "related.title",
    ]
    assert parse_sort("-published_at,+title") == [("published_at", -1), ("title", 1)]
    assert projection(["title", "check_also.url"]) == {"title": 1, "check_also": 1, "_id": 0}
    with pytest.raises(ConfigError) as caught:
        parse_sort("-publishd_at")
    message = str(caught.value)
    assert message.startswith("--sort: unknown field(s) publishd_at; valid fields: url, post_id,")
    assert message.endswith("http_etag, http_last_modified, discovered_via")


def test_dotted_fields_reach_into_records_and_lists_of_records() -> None:
    document = {
        "check_also": {"title": "T", "url": "u1", "excerpt": None},
        "related": [{"title": "A", "url": "u2"}, {"title": "B", "url": "u3"}],
        "previous": None,
    }
    assert field_value(document, "check_also.url") == "u1"
    assert field_value(document, "related.url") == ["u2", "u3"]
    assert field_value(document, "previous.url") is None


def test_cell_text_joins_lists_and_writes_nested_records_as_json() -> None:
    assert cell_text(["Politics", "Taliban"]) == "Politics | Taliban"
    assert cell_text([]) == ""
    assert cell_text(None) == ""
    assert cell_text(True) == "true"
    assert cell_text({"title": "T", "url": "u"}) == '{"title":"T","url":"u"}'
    assert cell_text([{"url": "u"}]) == '[{"url":"u"}]'


def test_time_buckets_use_kabul_days_fill_gaps_and_count_undated() -> None:
    late_evening_utc = dt.datetime(2022, 9, 30, 20, 0, tzinfo=UTC)  # 1 October in Kabul
    dates = [late_evening_utc, dt.datetime(2022, 12, 1, 8, tzinfo=UTC), None]
    assert time_buckets(dates, "month") == [
        Bucket("2022-10", 1, dt.date(2022, 10, 1)),
        Bucket("2022-11", 0, dt.date(2022, 11, 1)),
        Bucket("2022-12", 1, dt.date(2022, 12, 1)),
        Bucket("(no date)", 1),
    ]
    assert [b.label for b in time_buckets(dates[:2], "week")][:2] == ["2022-W39", "2022-W40"]
    assert time_buckets([dt.datetime(2022, 12, 31, 12, tzinfo=UTC)], "day") == [
        Bucket("2022-12-31", 1, dt.date(2022, 12, 31))
    ]


def test_value_buckets_count_each_value_once_per_article_largest_first() -> None:
    documents: list[dict[str, Any]] = [
        {"tags": ["Women", "Education", "Women"]},
        {"tags": ["Education"]},
        {"tags": []},
        {"authors": [], "byline": "AT News"},
    ]
    assert value_buckets(documents, "tag") == [
        Bucket("(none)", 2),
        Bucket("Education", 2),
        Bucket("Women", 1),
    ]
    assert value_buckets(documents[3:], "author") == [Bucket("AT News", 1)]


def test_search_words_and_ranking_weight_titles() -> None:
    assert search_words("The Women, and EDUCATION women") == ["women", "education"]
    assert search_words("the and") == ["the", "and"]
    with pytest.raises(ConfigError, match="no words to search for"):
        search_words(" ?! ")
    patterns = [re.compile(word_pattern(w), re.IGNORECASE) for w in ["elect", "kabul"]]
    document = {"title": "Elections in Kabul", "body": "The election; re-elected. Kabul's"}
    assert rank(patterns, document) == (2, 3 + 2 + 3 + 1)


def test_buckets_tolerate_values_stored_with_the_wrong_type() -> None:
    assert time_buckets(["2022-09-01", 5, None], "month") == [Bucket("(no date)", 3)]
    assert value_buckets([{"categories": "Editorial"}, {"categories": 7}], "category") == [
        Bucket("(none)", 1),
        Bucket("Editorial", 1),
    ]


def test_long_time_series_draw_a_line_and_many_values_only_the_top(tmp_path: Path) -> None:
    start = dt.date(2024, 1, 1)
    days = [
        Bucket(str(start + dt.timedelta(days=n)), n % 7, start + dt.timedelta(days=n))
        for n in range(200)
    ]
    assert chart_title(days, "day") == (
        "Afghanistan Times articles per day, 2024-01-01 to 2024-07-18 (594 articles)"
    )
    tags = [Bucket(f"tag {n:02d}", 100 - n) for n in range(40)]
    assert chart_title(tags, "tag") == "Afghanistan Times articles by tag (top 25 of 40)"
    for name, buckets, by in (("days.png", days, "day"), ("tags.png", tags, "tag")):
        plot_counts(buckets, by, tmp_path / name)
        with Image.open(tmp_path / name) as image:
            assert (image.format, image.size) == ("PNG", (1000, 560))
    assert moving_average([1, 2, 3, 4, 5], 3) == [1.0, 1.5, 2.0, 3.0, 4.0]
    with pytest.raises(ConfigError, match="no dated articles to chart by month"):
        plot_counts([Bucket("(no date)", 3)], "month", tmp_path / "none.png")
