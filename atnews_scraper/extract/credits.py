"""Credits at the top of a body: agency credits, writers' bylines and datelines, read and split off.

Rules: docs/record-conventions.md ("People").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from atnews_scraper.extract.text import clean_line

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
# "PLACE: text", or "PLACE – text" with a dash (only for a place in capitals: "Kabul – a city
# of ..." is prose).
_DATELINE = re.compile(rf"^(?P<place>{_PLACE_WORDS})(?:\s*:|(?P<dash>\s+-|\s*[–—]))\s*(?=\S)")
_CREDIT_ONLY = re.compile(rf"^(?P<credit>{_CREDIT})[\s.:\-–—]*$")
# A credit before the dateline: joined by a dash, a colon, a space, or glued to a place in
# capitals ("AT NewsKABUL:"; not the bare "AT", or "ATTENTION:" would be a credit).
_CREDIT_PREFIX = re.compile(
    rf"^(?P<credit>{_CREDIT})(?:\s*[-–—:]\s*|\s+|(?P<glued>(?=[A-Z]{{2}})))(?=\S)"
)
_BY_PREFIX = re.compile(r"^By\s+(?=\S)", re.IGNORECASE)
# "By", "By:", "Opinion by": a writer's credit opens here.
_BY_CREDIT = re.compile(r"^(?:Opinion\s+)?By(?P<colon>\s*:)?\s+(?=\S)", re.IGNORECASE)
# What ends a writer's name: a dash glued or spaced ("-", ",-", " – "), or a colon.
_NAME_END = re.compile(r"\s*,?\s*[-–—]\s*(?=\S)|\s*:\s*(?=\S)")
_NAME_SPLIT = re.compile(r"\s*(?:,\s*and\s+|\s+and\s+|\s*&\s*|,\s*)\s*")
# Printed before a name and kept with it, not counted among its two to four words.
_TITLES = frozenset(
    {"dr", "prof", "professor", "ambassador", "eng", "engineer", "mr", "mrs", "ms", "gen"}
    | {"general", "senator", "hajji", "haji", "mawlawi", "sheikh", "justice", "col", "capt"}
)
# Short lower-case words inside a name ("Abdul al Haq", "Khan e Zaman").
_NAME_PARTICLES = frozenset({"al", "ul", "ud", "e", "i", "bin", "de", "van", "von", "da", "di"})
# Words of a writer's role ("Political Analyst", "Senior Fellow"): a role is not a name.
_ROLE_WORDS = frozenset(
    {"analyst", "diplomat", "former", "political", "lecturer", "researcher", "university"}
    | {"journalist", "writer", "expert", "fellow", "senior", "director", "member", "student"}
    | {"adviser", "advisor", "editor", "author", "minister", "head", "chief", "professor"}
    | {"institute", "council", "center", "centre", "studies", "affairs", "economist", "teacher"}
    | {"activist", "correspondent", "reporter", "columnist", "scholar", "candidate", "phd"}
)
# Words that open a sentence after a name printed without a separator ("By Jane Doe The ...").
_SENTENCE_OPENERS = frozenset(
    {"the", "a", "an", "in", "on", "at", "as", "it", "this", "that", "these", "those", "for"}
    | {"with", "after", "before", "while", "when", "since", "despite", "according", "over"}
    | {"if", "there", "many", "most", "some", "what", "why", "how", "today", "last", "during"}
)
# Places printed in mixed case after a name ("By Jane Doe Kabul: ..."); a place in capitals
# needs no list.
_KNOWN_PLACES = frozenset(
    {"kabul", "herat", "kandahar", "jalalabad", "kunduz", "ghazni", "bamyan", "faizabad"}
    | {"balkh", "helmand", "khost", "paktia", "logar", "parwan", "badakhshan", "nangarhar"}
    | {"mazar-e-sharif", "mazar-i-sharif", "islamabad", "tehran", "doha", "moscow", "beijing"}
    | {"washington", "london", "geneva", "dushanbe", "tashkent", "ankara", "delhi"}
)
# The Persian linking particle inside a hyphenated place stays lower case: "Qala-i-Naw".
_PARTICLES = frozenset({"e", "i"})
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
        "gues3",
        "guest",
    }
)


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
    warnings: list[str] = field(default_factory=list)  # CREDIT_UNREAD


# A credit the parser met but could not read: no name and no dateline are taken from it.
CREDIT_UNREAD = "credit-unread"


@dataclass
class _WriterCredit:
    """A "By ..." credit: the names, and the paragraph's text after the credit."""

    names: list[str]
    rest: str


def split_credits(paragraphs: list[str]) -> Credits:
    """Cut the byline from the opening paragraphs and read the dateline (the text stays)."""
    result = Credits(paragraphs=list(paragraphs))
    # Up to two leading paragraphs that are only a credit or a "By ..." line.
    for _ in range(2):
        if not result.paragraphs:
            break
        first = result.paragraphs[0]
        credit = _CREDIT_ONLY.match(first)
        writer = _writer_credit(first, result)
        if credit and result.byline is None:
            result.byline = _tidy_credit(credit.group("credit"))
        elif writer is not None and not writer.rest and not result.authors:
            result.authors = writer.names
        else:
            break
        result.paragraphs.pop(0)
    if not result.paragraphs:
        return result
    first = result.paragraphs[0]
    rest = first
    if result.byline is None and not result.authors:
        credit = _CREDIT_PREFIX.match(first)
        writer = _writer_credit(first, result)
        if credit and _credit_fits(credit) and dateline_of(first[credit.end() :]):
            result.byline = _tidy_credit(credit.group("credit"))
            rest = first[credit.end() :]
        elif writer is not None and writer.names:
            result.authors = writer.names
            rest = writer.rest
    if rest is not first:
        result.paragraphs[0] = rest
    result.dateline = dateline_of(rest)
    return result


def _credit_fits(credit: re.Match[str]) -> bool:
    return credit.group("glued") is None or credit.group("credit") != "AT"


def _writer_credit(paragraph: str, result: Credits) -> _WriterCredit | None:
    """The names of a "By ..." credit and the text after it; None when the paragraph does not
    open with a credit (prose such as "By the way" or "By 2030"). A credit that opens like one
    but cannot be read adds CREDIT_UNREAD to the result and gives no names."""
    opening = _BY_CREDIT.match(paragraph)
    if opening is None:
        return None
    text = paragraph[opening.end() :]
    if is_house_account(text.rstrip(" .,;:")):
        return _WriterCredit([], "")  # the WordPress account, not a writer
    end = _NAME_END.search(text)
    if end is not None:
        head, rest = text[: end.start()], text[end.start() :]
        head, place = _split_place(head)
        names = _names_of(head)
        rest = place + rest if place else rest[len(end.group()) :]
        if names:
            return _WriterCredit(names, rest)
    else:
        names = _names_with_roles(text.rstrip(" .;"))
        if names:
            return _WriterCredit(names, "")
        found = _name_then_sentence(text)
        if found is not None:
            return found
        if not opening.group("colon") and not _opens_like_a_name(text):
            return None  # prose: "By Monday, the talks had ended."
    if CREDIT_UNREAD not in result.warnings:
        result.warnings.append(CREDIT_UNREAD)
    return _WriterCredit([], paragraph)


def _split_place(head: str) -> tuple[str, str]:
    """ "Jane Doe KABUL" -> ("Jane Doe", "KABUL"): a trailing place in capitals (one to three
    words) or a known place; a surname before a colon stays part of the name."""
    words = head.split(" ")
    count = 0
    for word in reversed(words):
        if count < 3 and len(word) > 1 and word.isupper() and word.replace("-", "").isalpha():
            count += 1
        else:
            break
    if not count and len(words) > 2 and words[-1].casefold() in _KNOWN_PLACES:
        count = 1
    if not count:
        return head, ""
    return " ".join(words[:-count]), " ".join(words[-count:])


def _names_of(text: str) -> list[str]:
    """Every name of a credit ("Jane Doe and John Roe"), or [] unless all are names."""
    parts = [p.strip() for p in _NAME_SPLIT.split(text.strip(" ,;")) if p.strip()]
    return parts if parts and all(_is_writer_name(p) for p in parts) else []


def _names_with_roles(text: str) -> list[str]:
    """ "Jane Doe, lecturer at Kabul University" -> ["Jane Doe"]: the names before the roles."""
    names: list[str] = []
    for part in (p.strip() for p in _NAME_SPLIT.split(text) if p.strip()):
        if not _is_writer_name(part):
            break
        names.append(part)
    return names


def _name_then_sentence(text: str) -> _WriterCredit | None:
    """ "Jane Doe The schools ..." -> Jane Doe, "The schools ...": only when the word after the
    name plainly opens a sentence."""
    words = text.split(" ")
    for size in range(2, min(len(words), 8)):
        if words[size].casefold() in _SENTENCE_OPENERS and words[size][0].isupper():
            name = " ".join(words[:size])
            if _is_writer_name(name):
                return _WriterCredit([name], " ".join(words[size:]))
    return None


def _opens_like_a_name(text: str) -> bool:
    words = text.split(" ")[:2]
    return len(words) == 2 and all(w[:1].isupper() and w.isalpha() for w in words)


def _is_writer_name(name: str) -> bool:
    """Two to four name words after any titles ("Ambassador Dr. Omar Samad"); not a role."""
    words = name.split()
    while words and words[0].rstrip(".").casefold() in _TITLES:
        words = words[1:]
    return (
        2 <= len(words) <= 4
        and words[0][0].isupper()
        and all(_is_credit_name_word(w) for w in words)
        and not any(w.casefold() in _ROLE_WORDS for w in words)
        and not is_house_account(name)
    )


def _is_credit_name_word(word: str) -> bool:
    if word.islower():
        return word in _NAME_PARTICLES
    return (
        word[0].isalpha() and not word[0].islower() and all(c.isalpha() or c in "'’." for c in word)
    )


def title_case_place(place: str) -> str:
    """ "MAZAR-E-SHARIF" -> "Mazar-e-Sharif", "NEW DELHI" -> "New Delhi"."""
    words = []
    for word in place.split(" "):
        parts = word.split("-")
        words.append(
            "-".join(
                p.lower() if i and p.lower() in _PARTICLES else p[:1].upper() + p[1:].lower()
                for i, p in enumerate(parts)
            )
        )
    return " ".join(words)


def dateline_of(paragraph: str) -> str | None:
    """The place a paragraph opens with ("KABUL: ..." or "KABUL – ..." -> "Kabul"), else None."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None
    place = match.group("place")
    if place.casefold() in _NOT_PLACES or not all(w[0].isupper() for w in place.split(" ")):
        return None
    if match.group("dash") is not None and not place.isupper():
        return None
    if _CREDIT_ONLY.match(place):  # "AT: ..." is a credit, not a place
        return None
    return title_case_place(place)


def parse_by_line(paragraph: str) -> list[str]:
    """Names of a paragraph that is only a byline: "By Jane Doe and John Roe" -> both names."""
    match = _BY_PREFIX.match(paragraph)
    if not match:
        return []
    return _names(paragraph[match.end() :].rstrip(" .,;:"))


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
