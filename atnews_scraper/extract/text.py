"""Text normalisation and the derived body figures (words, hash).

Rules: docs/record-conventions.md ("Text"). Bylines and datelines: credits.py.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Every Unicode space, plus the ASCII controls that behave as white space; "\n" is kept apart
# because a <br> inside a paragraph is a real line break.
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u2060]")
_ALL_WHITE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_TRAILING_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")


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
