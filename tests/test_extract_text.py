"""Bylines, datelines, paragraph clean-up and the derived body figures."""

from __future__ import annotations

import pytest

from atnews_scraper.extract.credits import (
    dateline_of,
    is_house_account,
    parse_by_line,
    split_credits,
)
from atnews_scraper.extract.language import detect_language
from atnews_scraper.extract.text import clean_paragraph, content_hash, strip_ellipsis, word_count


@pytest.mark.parametrize(
    ("paragraphs", "body", "byline", "authors", "dateline"),
    [
        (["AT News", "Kabul: Text."], ["Kabul: Text."], "AT News", [], "Kabul"),
        (["AT News KABUL: Text."], ["KABUL: Text."], "AT News", [], "Kabul"),
        (["AT-KABUL: Text."], ["KABUL: Text."], "AT", [], "Kabul"),
        (["AT Kabul: Text."], ["Kabul: Text."], "AT", [], "Kabul"),
        (["AT News: KABUL: Text."], ["KABUL: Text."], "AT News", [], "Kabul"),
        (["AT: the text."], ["AT: the text."], None, [], None),
        (["Photo: Reuters"], ["Photo: Reuters"], None, [], None),
        (["AT News Report KABUL: Text."], ["KABUL: Text."], "AT News Report", [], "Kabul"),
        (
            ["AT Monitoring Desk-KABUL: Text."],
            ["KABUL: Text."],
            "AT Monitoring Desk",
            [],
            "Kabul",
        ),
        (["By Jane Doe KABUL: Text."], ["KABUL: Text."], None, ["Jane Doe"], "Kabul"),
        (["By Jane Doe", "Text here."], ["Text here."], None, ["Jane Doe"], None),
        (
            ["By Jane Doe and John Roe", "Text."],
            ["Text."],
            None,
            ["Jane Doe", "John Roe"],
            None,
        ),
        (["Kabul: Text."], ["Kabul: Text."], None, [], "Kabul"),
        (
            ["MAZAR-I-SHARIF: Text."],
            ["MAZAR-I-SHARIF: Text."],
            None,
            [],
            "Mazar-i-Sharif",
        ),
        (["New Delhi: Text."], ["New Delhi: Text."], None, [], "New Delhi"),
        (["AT News", "By Jane Doe", "Text."], ["Text."], "AT News", ["Jane Doe"], None),
        (["The spokesman said: no."], ["The spokesman said: no."], None, [], None),
        (["Note: this is not a place."], ["Note: this is not a place."], None, [], None),
        (["At Kabul airport: crowds."], ["At Kabul airport: crowds."], None, [], None),
        (["Atmospheric news."], ["Atmospheric news."], None, [], None),
        (["AT News"], [], "AT News", [], None),
        ([], [], None, [], None),
    ],
)
def test_split_credits(
    paragraphs: list[str],
    body: list[str],
    byline: str | None,
    authors: list[str],
    dateline: str | None,
) -> None:
    credits = split_credits(paragraphs)
    assert (credits.paragraphs, credits.byline, credits.authors, credits.dateline) == (
        body,
        byline,
        authors,
        dateline,
    )


def test_split_credits_leaves_the_input_list_alone() -> None:
    paragraphs = ["AT News", "Kabul: Text."]
    split_credits(paragraphs)
    assert paragraphs == ["AT News", "Kabul: Text."]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("By Dr. Ahmad Shah Ahmadzai", ["Dr. Ahmad Shah Ahmadzai"]),
        ("By Jane Doe, John Roe and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
        ("by Jane Doe.", ["Jane Doe"]),
        ("By the way, the meeting ended.", []),
        ("Byline", []),
    ],
)
def test_parse_by_line(text: str, names: list[str]) -> None:
    assert parse_by_line(text) == names


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("KABUL: x", "Kabul"),
        ("Herat : x", "Herat"),
        ("Kabul:x", "Kabul"),
        ("KABUL:", None),
        ("Four Word Place Name: x", None),
        ("2022: x", None),
        ("kabul: x", None),
    ],
)
def test_dateline_of(text: str, place: str | None) -> None:
    assert dateline_of(text) == place


def test_clean_paragraph_spaces_nfc_and_lines() -> None:
    raw = "  Cafe\u0301\u00a0 and\u2009 tea \n\n  second\u200b line \n "
    assert clean_paragraph(raw) == "Café and tea\nsecond line"


def test_strip_ellipsis() -> None:
    assert strip_ellipsis("An excerpt …") == "An excerpt"
    assert strip_ellipsis("An excerpt...") == "An excerpt"
    assert strip_ellipsis("An excerpt [&hellip;]".replace("&hellip;", "…")) == "An excerpt"


def test_content_hash_ignores_white_space_layout_and_normalises() -> None:
    assert content_hash("Café  tea\n\nnext") == content_hash("Cafe\u0301 tea next")
    assert content_hash("a b") == "c8687a08aa5d6ed2044328fa6a697ab8e96dc34291e8c2034ae8c38e6fcc6d65"
    assert word_count("one two\n\nthree") == 3


@pytest.mark.parametrize(
    ("name", "house"), [("admin", True), (" Admin ", True), ("AT News", True), ("Jane Doe", False)]
)
def test_house_accounts(name: str, house: bool) -> None:
    assert is_house_account(name) is house


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The minister said that the plan was approved by the cabinet on Monday.", "en"),
        ("کابل د افغانستان پلازمېنه ده او ډېر خلک په کې ژوند کوي او کار کوي.", "ps"),
        ("کابل پایتخت افغانستان است و مردم زیادی در آن زندگی و کار می‌کنند.", "fa"),
        ("القاهرة هي عاصمة مصر وأكبر مدنها من حيث عدد السكان في المنطقة.", "ar"),
        ("Le ministre a dit que le plan a été approuvé par le conseil des ministres.", "fr"),
        ("Москва является столицей России и крупнейшим городом страны.", "ru"),
        ("12345 67890", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language
