"""The credit and dateline parser over the openings the real site prints (issue 15).

One row per shape: the opening paragraphs, then what the record must say: the body paragraphs,
`byline`, `authors`, `dateline`, and whether the parser warns that it met a credit it could not
read. A credit it does not understand gives no name and no dateline, never a wrong one.
"""

from __future__ import annotations

import pytest

from atnews_scraper.extract.credits import (
    CREDIT_UNREAD,
    is_house_account,
    split_credits,
    title_case_place,
)

T = "The ministry said on Monday."

SHAPES: list[tuple[str, list[str], list[str], str | None, list[str], str | None, bool]] = [
    # id, paragraphs, body, byline, authors, dateline, warns
    # --- agency credits, alone or glued to the dateline
    ("news-alone", ["AT News", f"KABUL: {T}"], [f"KABUL: {T}"], "AT News", [], "Kabul", False),
    (
        "desk-alone",
        ["AT Monitoring Desk", f"Kabul: {T}"],
        [f"Kabul: {T}"],
        "AT Monitoring Desk",
        [],
        "Kabul",
        False,
    ),
    (
        "report-alone",
        ["AT News Report", f"KABUL: {T}"],
        [f"KABUL: {T}"],
        "AT News Report",
        [],
        "Kabul",
        False,
    ),
    ("at-dash", [f"AT-KABUL: {T}"], [f"KABUL: {T}"], "AT", [], "Kabul", False),
    (
        "desk-dash",
        [f"AT Monitoring Desk-KABUL: {T}"],
        [f"KABUL: {T}"],
        "AT Monitoring Desk",
        [],
        "Kabul",
        False,
    ),
    (
        "report-dash",
        [f"AT News Report-KABUL: {T}"],
        [f"KABUL: {T}"],
        "AT News Report",
        [],
        "Kabul",
        False,
    ),
    (
        "desk-space",
        [f"AT Monitoring Desk KABUL: {T}"],
        [f"KABUL: {T}"],
        "AT Monitoring Desk",
        [],
        "Kabul",
        False,
    ),
    ("news-space", [f"AT News KABUL: {T}"], [f"KABUL: {T}"], "AT News", [], "Kabul", False),
    ("news-glued", [f"AT NewsKABUL: {T}"], [f"KABUL: {T}"], "AT News", [], "Kabul", False),
    (
        "report-glued",
        [f"AT News ReportKABUL: {T}"],
        [f"KABUL: {T}"],
        "AT News Report",
        [],
        "Kabul",
        False,
    ),
    ("at-titlecase", [f"AT Kabul: {T}"], [f"Kabul: {T}"], "AT", [], "Kabul", False),
    ("news-colon", [f"AT News: KABUL: {T}"], [f"KABUL: {T}"], "AT News", [], "Kabul", False),
    (
        "news-dash-dateline",
        [f"AT News KABUL – {T}"],
        [f"KABUL – {T}"],
        "AT News",
        [],
        "Kabul",
        False,
    ),
    # --- datelines
    ("plain-caps", [f"KABUL: {T}"], [f"KABUL: {T}"], None, [], "Kabul", False),
    ("plain-mixed", [f"Kabul: {T}"], [f"Kabul: {T}"], None, [], "Kabul", False),
    ("dash-en", [f"KABUL – {T}"], [f"KABUL – {T}"], None, [], "Kabul", False),
    ("dash-em", [f"HERAT — {T}"], [f"HERAT — {T}"], None, [], "Herat", False),
    ("dash-hyphen", [f"KANDAHAR - {T}"], [f"KANDAHAR - {T}"], None, [], "Kandahar", False),
    ("two-words", [f"NEW DELHI: {T}"], [f"NEW DELHI: {T}"], None, [], "New Delhi", False),
    (
        "particle-e",
        [f"MAZAR-E-SHARIF: {T}"],
        [f"MAZAR-E-SHARIF: {T}"],
        None,
        [],
        "Mazar-e-Sharif",
        False,
    ),
    (
        "particle-i",
        [f"MAZAR-I-SHARIF: {T}"],
        [f"MAZAR-I-SHARIF: {T}"],
        None,
        [],
        "Mazar-i-Sharif",
        False,
    ),
    ("sar-e-pol", [f"AT-SAR-E-POL: {T}"], [f"SAR-E-POL: {T}"], "AT", [], "Sar-e-Pol", False),
    (
        "kashk-e-kuna",
        [f"AT News KASHK-E-KUNA: {T}"],
        [f"KASHK-E-KUNA: {T}"],
        "AT News",
        [],
        "Kashk-e-Kuna",
        False,
    ),
    (
        "pul-e-khumri",
        [f"PUL-E-KHUMRI – {T}"],
        [f"PUL-E-KHUMRI – {T}"],
        None,
        [],
        "Pul-e-Khumri",
        False,
    ),
    ("qala-i-naw", [f"QALA-I-NAW: {T}"], [f"QALA-I-NAW: {T}"], None, [], "Qala-i-Naw", False),
    (
        "dahana-e-ghori",
        [f"DAHANA-E-GHORI: {T}"],
        [f"DAHANA-E-GHORI: {T}"],
        None,
        [],
        "Dahana-e-Ghori",
        False,
    ),
    (
        "hyphen-no-particle",
        [f"ISLAM-QALA: {T}"],
        [f"ISLAM-QALA: {T}"],
        None,
        [],
        "Islam-Qala",
        False,
    ),
    # --- opinion writers credited in the text
    ("by-alone", ["By Mariam Noori", T], [T], None, ["Mariam Noori"], None, False),
    (
        "by-hyphen-glued",
        ["By Ahmad Zia Rahimi-The war has ended."],
        ["The war has ended."],
        None,
        ["Ahmad Zia Rahimi"],
        None,
        False,
    ),
    (
        "by-title-comma-hyphen",
        ["By Ambassador Dr. Omar Samad,-A new chapter opens."],
        ["A new chapter opens."],
        None,
        ["Ambassador Dr. Omar Samad"],
        None,
        False,
    ),
    (
        "by-hyphen-dateline",
        [f"By Khalid Ahmadzai-KABUL: {T}"],
        [f"KABUL: {T}"],
        None,
        ["Khalid Ahmadzai"],
        "Kabul",
        False,
    ),
    (
        "by-space-dateline",
        [f"By Khalid Ahmadzai KABUL: {T}"],
        [f"KABUL: {T}"],
        None,
        ["Khalid Ahmadzai"],
        "Kabul",
        False,
    ),
    (
        "by-title-colon",
        ["By Dr. Habibullah Rahmani: The economy is shrinking."],
        ["The economy is shrinking."],
        None,
        ["Dr. Habibullah Rahmani"],
        None,
        False,
    ),
    (
        "by-colon-roles",
        ["By: Zarghona Safi, lecturer at Kabul University, researcher", T],
        [T],
        None,
        ["Zarghona Safi"],
        None,
        False,
    ),
    (
        "by-colon-capital-roles",
        ["By: Mohammad Hassan Haqyar, Political Analyst, Former Diplomat", T],
        [T],
        None,
        ["Mohammad Hassan Haqyar"],
        None,
        False,
    ),
    (
        "opinion-by",
        ["Opinion by Sayed Jalal Shajjan", T],
        [T],
        None,
        ["Sayed Jalal Shajjan"],
        None,
        False,
    ),
    (
        "opinion-by-hyphen",
        ["Opinion by Sayed Jalal Shajjan-Trade is peace."],
        ["Trade is peace."],
        None,
        ["Sayed Jalal Shajjan"],
        None,
        False,
    ),
    (
        "by-two",
        ["By Khalid Ahmadzai and Zarghona Safi", T],
        [T],
        None,
        ["Khalid Ahmadzai", "Zarghona Safi"],
        None,
        False,
    ),
    (
        "by-three",
        ["By Jane Doe, John Roe and Ann Poe", T],
        [T],
        None,
        ["Jane Doe", "John Roe", "Ann Poe"],
        None,
        False,
    ),
    (
        "by-then-sentence",
        ["By Mariam Noori The schools stayed shut."],
        ["The schools stayed shut."],
        None,
        ["Mariam Noori"],
        None,
        False,
    ),
    (
        "by-prof-four",
        ["By Prof. Mohammad Nasir Ahmad Khan-In 2021 the state fell."],
        ["In 2021 the state fell."],
        None,
        ["Prof. Mohammad Nasir Ahmad Khan"],
        None,
        False,
    ),
    ("credit-then-by", ["AT News", "By Jane Doe", T], [T], "AT News", ["Jane Doe"], None, False),
    # --- what it must refuse
    (
        "by-one-word",
        ["By Mariam-The schools stayed shut."],
        ["By Mariam-The schools stayed shut."],
        None,
        [],
        None,
        True,
    ),
    (
        "by-five-words",
        ["By Abdul Rahman Mohammad Karim Rahimi Zada-Text."],
        ["By Abdul Rahman Mohammad Karim Rahimi Zada-Text."],
        None,
        [],
        None,
        True,
    ),
    (
        "by-surname-colon-not-dateline",
        ["By Dr. Jane Doe Smith: The text."],
        ["The text."],
        None,
        ["Dr. Jane Doe Smith"],
        None,
        False,
    ),
    (
        "by-no-separator-unknown",
        ["By Mariam Noori Afghanistan is poor."],
        ["By Mariam Noori Afghanistan is poor."],
        None,
        [],
        None,
        True,
    ),
    ("by-house-account", ["By admin", T], [T], None, [], None, False),
    ("by-guest-account", ["By gues3", T], [T], None, [], None, False),
    (
        "prose-by-the-way",
        ["By the way, the meeting ended."],
        ["By the way, the meeting ended."],
        None,
        [],
        None,
        False,
    ),
    (
        "prose-by-year",
        ["By 2030, the country will need more power."],
        ["By 2030, the country will need more power."],
        None,
        [],
        None,
        False,
    ),
    (
        "prose-by-month",
        ["By Monday, the talks had ended."],
        ["By Monday, the talks had ended."],
        None,
        [],
        None,
        False,
    ),
    ("at-lower-prose", ["AT: the text."], ["AT: the text."], None, [], None, False),
    (
        "at-prose",
        ["At Kabul airport: crowds."],
        ["At Kabul airport: crowds."],
        None,
        [],
        None,
        False,
    ),
    ("label-photo", ["Photo: Reuters"], ["Photo: Reuters"], None, [], None, False),
    (
        "sentence-colon",
        ["The spokesman said: no."],
        ["The spokesman said: no."],
        None,
        [],
        None,
        False,
    ),
    (
        "editorial-label",
        ["Editorial: The state must act.", T],
        ["Editorial: The state must act.", T],
        None,
        [],
        None,
        False,
    ),
    ("ed-label", ["ED: The state must act."], ["ED: The state must act."], None, [], None, False),
    ("editorial-alone", ["Editorial", T], ["Editorial", T], None, [], None, False),
    (
        "dash-mixed-case-prose",
        ["Kabul – a city of five million – waits."],
        ["Kabul – a city of five million – waits."],
        None,
        [],
        None,
        False,
    ),
    (
        "four-word-place",
        [f"FOUR WORD PLACE NAME: {T}"],
        [f"FOUR WORD PLACE NAME: {T}"],
        None,
        [],
        None,
        False,
    ),
    ("empty", [], [], None, [], None, False),
]


@pytest.mark.parametrize(
    ("paragraphs", "body", "byline", "authors", "dateline", "warns"),
    [pytest.param(*row[1:], id=row[0]) for row in SHAPES],
)
def test_credit_shapes(
    paragraphs: list[str],
    body: list[str],
    byline: str | None,
    authors: list[str],
    dateline: str | None,
    warns: bool,
) -> None:
    credits = split_credits(paragraphs)
    assert (credits.paragraphs, credits.byline, credits.authors, credits.dateline) == (
        body,
        byline,
        authors,
        dateline,
    )
    assert credits.warnings == ([CREDIT_UNREAD] if warns else [])


def test_the_table_has_forty_shapes_and_unique_ids() -> None:
    ids = [row[0] for row in SHAPES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("place", "title"),
    [
        ("MAZAR-E-SHARIF", "Mazar-e-Sharif"),
        ("QALA-I-NAW", "Qala-i-Naw"),
        ("HEZB-E-ISLAMI", "Hezb-e-Islami"),
        ("Mazar-e-Sharif", "Mazar-e-Sharif"),
        ("KABUL", "Kabul"),
        ("ISLAM-QALA", "Islam-Qala"),
        ("NEW DELHI", "New Delhi"),
        ("E-KABUL", "E-Kabul"),
    ],
)
def test_title_case_place_keeps_the_persian_particle_lower(place: str, title: str) -> None:
    assert title_case_place(place) == title


@pytest.mark.parametrize("account", ["admin", "gues3", "Guest", "AT News", "Administrator"])
def test_wordpress_accounts_are_not_writers(account: str) -> None:
    assert is_house_account(account)
