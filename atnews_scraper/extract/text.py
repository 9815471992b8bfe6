"""Text normalisation, bylines and datelines, and the derived body figures (words, hash).

Rules: docs/record-conventions.md ("Text", "People").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

# Every Unicode space, plus the ASCII controls that behave as white space; "\n" is kept apart
# because a <br> inside a paragraph is a real line break.
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u2060]")
_ALL_WHITE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_TRAILING_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")

# Agency credits printed at the top of the body. Longest first, so "AT News Report" wins over
# "AT News" and "AT".
_CREDITS = (
    r"AT\s+(?i:News\s+Report)",
    r"AT\s+(?i:News)",
    r"AT\s+(?i:Monitoring\s+Desk)",
    r"AT\s+(?i:Monitoring)",
    r"AT\s+(?i:Report)",
    r"AT\s+(?i:Desk)",
    r"Afghanistan\s+Times",
    r"AT",
)
_CREDIT = "(?:" + "|".join(_CREDITS) + ")"
# A place: one to three capitalised words of letters and hyphens ("KABUL", "Mazar-i-Sharif",
# "New Delhi"), followed by a colon.
_PLACE = r"[^\W\d_][^\W\d_-]*(?:-[^\W\d_]+)*"
_PLACE_WORDS = rf"{_PLACE}(?:[ ]{_PLACE}){{0,2}}"
_DATELINE = re.compile(rf"^(?P<place>{_PLACE_WORDS})\s*:\s*(?=\S)")
_CREDIT_ONLY = re.compile(rf"^(?P<credit>{_CREDIT})[\s.:\-–—]*$")
_CREDIT_PREFIX = re.compile(rf"^(?P<credit>{_CREDIT})(?:\s*[-–—:]\s*|\s+)(?=\S)")
_BY_PREFIX = re.compile(r"^By\s+(?=\S)", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,\s*and\s+|\s+and\s+|\s*&\s*|,\s*)\s*")
# Words that open a paragraph with a colon but are not places.
_NOT_PLACES = frozenset(
    {
        "note",
        "editorial",
        "ed",
        "editor",
        "update",
        "updated",
        "photo",
        "photos",
        "video",
        "source",
        "sources",
        "read",
        "read more",
        "related",
        "summary",
        "breaking",
        "breaking news",
        "watch",
        "listen",
        "disclaimer",
        "correction",
        "q",
        "a",
        "question",
        "answer",
        "image",
        "images",
        "caption",
        "credit",
        "credits",
        "live",
        "opinion",
        "analysis",
        "exclusive",
        "comment",
        "advertisement",
        "also read",
        "see also",
        "more",
        "tags",
        "category",
        "posted",
        "published",
    }
)
HOUSE_ACCOUNTS = frozenset(
    {
        "admin",
        "administrator",
        "editor",
        "at news",
        "afghanistan times",
        "webmaster",
        "staff",
        "desk",
        "at",
        "at monitoring desk",
        "at news report",
    }
)


def clean_inline(text: str) -> str:
    """One run of text: every kind of white space (newlines included) becomes one space."""
    return _ALL_WHITE.sub(" ", _ZERO_WIDTH.sub("", text))


def clean_paragraph(text: str) -> str:
    """A paragraph: NFC, spaces collapsed, lines (from <br>) stripped, empty lines dropped."""
    text = unicodedata.normalize("NFC", _ZERO_WIDTH.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def text_paragraphs(text: str) -> list[str]:
    """Plain text to paragraphs: blank lines separate them."""
    return [p for p in (clean_paragraph(part) for part in _BLANK_LINE.split(text)) if p]


def clean_line(text: str) -> str:
    """A one-line value (title, name, link text): NFC, all white space to single spaces."""
    return unicodedata.normalize("NFC", clean_inline(text)).strip()


def strip_ellipsis(text: str) -> str:
    return _TRAILING_ELLIPSIS.sub("", text).strip()


def content_hash(body: str) -> str:
    """sha256 hex of the body after NFC and collapsing all white space to one space."""
    normal = _ALL_WHITE.sub(" ", unicodedata.normalize("NFC", body)).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def word_count(body: str) -> int:
    return len(body.split())


def is_house_account(name: str) -> bool:
    return clean_line(name).casefold() in HOUSE_ACCOUNTS


def looks_like_person(name: str) -> bool:
    """Two to five capitalised words, not a house account: "Jane Doe", not "Posted", "Staff" or
    "The Daily Example"."""
    words = name.split()
    return (
        2 <= len(words) <= 5
        and words[0].casefold() != "the"
        and all(_is_name_word(w) for w in words)
        and not words[0][0].islower()
        and not is_house_account(name)
    )


@dataclass
class Credits:
    """What the opening of the body says about who wrote it and where."""

    paragraphs: list[str]  # the body paragraphs with byline-only text removed
    byline: str | None = None
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None


def split_credits(paragraphs: list[str]) -> Credits:
    """Cut the byline from the opening paragraphs and read the dateline (the text stays)."""
    result = Credits(paragraphs=list(paragraphs))
    # Up to two leading paragraphs that are only a credit or a "By ..." line.
    for _ in range(2):
        if not result.paragraphs:
            break
        first = result.paragraphs[0]
        credit = _CREDIT_ONLY.match(first)
        names = parse_by_line(first)
        if credit and result.byline is None:
            result.byline = _tidy_credit(credit.group("credit"))
        elif names and not result.authors:
            result.authors = names
        else:
            break
        result.paragraphs.pop(0)
    if not result.paragraphs:
        return result
    first = result.paragraphs[0]
    rest = first
    if result.byline is None and not result.authors:
        credit = _CREDIT_PREFIX.match(first)
        if credit and dateline_of(first[credit.end() :]):
            result.byline = _tidy_credit(credit.group("credit"))
            rest = first[credit.end() :]
        elif _BY_PREFIX.match(first):
            authors, remainder = _split_by_with_dateline(first)
            if authors:
                result.authors = authors
                rest = remainder
    if rest is not first:
        result.paragraphs[0] = rest
    result.dateline = dateline_of(rest)
    return result


def dateline_of(paragraph: str) -> str | None:
    """The place a paragraph opens with ("KABUL: ..." -> "Kabul"), else None."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None
    place = match.group("place")
    if place.casefold() in _NOT_PLACES or not all(w[0].isupper() for w in place.split(" ")):
        return None
    if _CREDIT_ONLY.match(place):  # "AT: ..." is a credit, not a place
        return None
    return place.title()


def parse_by_line(paragraph: str) -> list[str]:
    """Names of a paragraph that is only a byline: "By Jane Doe and John Roe" -> both names."""
    match = _BY_PREFIX.match(paragraph)
    if not match:
        return []
    return _names(paragraph[match.end() :].rstrip(" .,;:"))


def _split_by_with_dateline(paragraph: str) -> tuple[list[str], str]:
    """ "By Jane Doe KABUL: Text" -> (["Jane Doe"], "KABUL: Text")."""
    colon = paragraph.find(":")
    if colon < 0:
        return [], paragraph
    words = paragraph[: colon + 1].split(" ")[1:]  # drop "By"
    # The place is the trailing run (at most three words) of upper-case words, else one word.
    place_len = 0
    for word in reversed(words):
        if place_len < 3 and word.rstrip(":").isupper():
            place_len += 1
        else:
            break
    place_len = place_len or 1
    name_words = words[:-place_len]
    remainder = " ".join(words[-place_len:]) + paragraph[colon + 1 :]
    names = _names(" ".join(name_words).rstrip(" ,;-–—"))
    if not names or not dateline_of(remainder):
        return [], paragraph
    return names, remainder


def _is_name_word(word: str) -> bool:
    """A word of a person's name: capitalised (or of a script without case: "احمد"), or a short
    particle ("de", "bin", "van")."""
    if word.isalpha() and word.islower():
        return len(word) <= 3
    return (
        word[0].isalpha()
        and not word[0].islower()
        and all(c.isalpha() or c in "'’.-" for c in word)
    )


def _names(text: str) -> list[str]:
    names = [n.strip() for n in _NAME_SPLIT.split(text) if n.strip()]
    for name in names:
        words = name.split()
        if not 1 <= len(words) <= 5 or not all(_is_name_word(w) for w in words):
            return []
        if words[0][0].islower():
            return []
    return names


def _tidy_credit(credit: str) -> str:
    return clean_line(credit)
