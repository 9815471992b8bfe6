"""Pages no theme plug-in recognises (a redesign, any other news site): trafilatura for the
body, plus what it and htmldate find for title, author, date, sections and tags."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml.html import HtmlElement

from atnews_scraper.extract.text import clean_inline, clean_line, clean_paragraph, text_paragraphs
from atnews_scraper.sequences import unique

# trafilatura logs every page it discards at WARNING; the record's warnings say it instead.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)

# trafilatura's output vocabulary: blocks that are paragraphs of their own.
_PARAGRAPH_TAGS = frozenset({"p", "head", "item", "code", "quote", "div", "cell", "label"})
_CONTAINERS = frozenset({"list", "table", "body", "doc", "main", "comments"})
_TIME_XPATH = "//*[@itemprop='datePublished'][@datetime or @content] | //article//time[@datetime]"
_LINK_LINE = re.compile(
    r"^(?:also read|read also|read more|more|related|see also|recommended|watch|listen)\b"
    r"(?: on| here)?\s*[:>»|–—-]",
    re.IGNORECASE,
)
_NOT_BODY = frozenset({"nav", "header", "footer", "aside", "form", "figcaption", "noscript"})
_DENSE_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre")
_PUNCTUATION = "\"'“”‘’.,;:!?()[]«»—–-"
_SPLIT_AUTHORS = re.compile(r"\s*(?:;|,|\band\b|&)\s*")


@dataclass
class GenericResult:
    paragraphs: list[str] = field(default_factory=list)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    url: str | None = None
    language: str | None = None
    site_name: str | None = None
    failed: bool = False  # trafilatura raised: the record says so ("trafilatura-failed")


class GenericPage:
    """trafilatura over the page text, run at most once and only when a field needs it."""

    def __init__(self, tree: HtmlElement, url: str | None) -> None:
        self.tree = tree
        self.url = url

    @cached_property
    def result(self) -> GenericResult:
        return run_trafilatura(self.tree, self.url)

    @property
    def failed(self) -> bool:
        """True when trafilatura ran and raised (False when it was not needed)."""
        return "result" in self.__dict__ and self.result.failed


def run_trafilatura(
    html: HtmlElement | str, url: str | None, with_metadata: bool = True
) -> GenericResult:
    """trafilatura on a page (it copies a tree before changing it, so ours stays intact)."""
    from trafilatura import bare_extraction

    try:
        document: Any = bare_extraction(
            html,
            url=url,
            with_metadata=with_metadata,
            include_comments=False,
            include_tables=True,
            include_formatting=False,
        )
    except Exception:  # a library's bug on odd input must not lose the record
        logging.getLogger(__name__).debug("trafilatura failed on %s", url, exc_info=True)
        return GenericResult(failed=True)
    if document is None:
        return GenericResult()
    body = getattr(document, "body", None)
    return GenericResult(
        paragraphs=list(paragraphs_of_xml(body)) if body is not None else [],
        title=_clean(getattr(document, "title", None)),
        authors=_authors(getattr(document, "author", None)),
        date=_clean(getattr(document, "date", None)),
        categories=_list(getattr(document, "categories", None)),
        tags=_list(getattr(document, "tags", None)),
        image=_clean(getattr(document, "image", None)),
        url=_clean(getattr(document, "url", None)),
        language=_clean(getattr(document, "language", None)),
        site_name=_clean(getattr(document, "sitename", None)),
    )


def paragraphs_of_xml(body: Any) -> Iterator[str]:
    """trafilatura's XML body to paragraphs: one per p/head/item/quote, a row as its cells
    joined by " | ", <lb/> as a line break."""
    stack = [body]
    while stack:
        element = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "row":
            cells = [clean_paragraph(_inline_text(c)).replace("\n", " ") for c in element]
            text = " | ".join(c for c in cells if c)
            if text:
                yield text
            continue
        block_children = [
            c
            for c in element
            if isinstance(c.tag, str) and (c.tag in _PARAGRAPH_TAGS or c.tag in _CONTAINERS)
        ]
        if tag in _PARAGRAPH_TAGS and not block_children:
            text = clean_paragraph(_inline_text(element))
            if text:
                yield text
            continue
        if tag in _PARAGRAPH_TAGS and element.text and element.text.strip():
            text = clean_paragraph(clean_inline(element.text))
            if text:
                yield text
        stack.extend(reversed([c for c in element if isinstance(c.tag, str)]))


def _inline_text(element: Any) -> str:
    parts: list[str] = []
    stack: list[tuple[Any, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node is not element and node.tail:
                parts.append(clean_inline(node.tail))
            continue
        if node.tag == "lb":
            parts.append("\n")
        elif node.text:
            parts.append(clean_inline(node.text))
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(list(node)) if isinstance(c.tag, str))
    return "".join(parts)


def _clean(value: Any) -> str | None:
    return clean_line(value) or None if isinstance(value, str) else None


def _list(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return unique(text for text in map(_clean, value) if text)


def _authors(value: Any) -> list[str]:
    text = _clean(value)
    if not text:
        return []
    return [a for a in (n.strip() for n in _SPLIT_AUTHORS.split(text)) if a]


def reconcile_with_article_body(
    paragraphs: list[str], article_body: str | None
) -> tuple[list[str], bool]:
    """Check trafilatura's paragraphs against the page's JSON-LD `articleBody` (the publisher's
    own text): paragraphs it does not contain (captions, link lists, bylines) are dropped.
    When trafilatura found little of it, the articleBody itself is the body. Returns the
    paragraphs and whether they are the articleBody's. A truncated articleBody (a teaser for a
    paywall) is not used."""
    if not article_body:
        return paragraphs, False
    reference = _words(article_body)
    if len(reference) < 40:
        return paragraphs, False
    found = sum(len(_words(p)) for p in paragraphs)
    if found and len(reference) < 0.8 * found:
        return paragraphs, False
    grams = _trigrams(reference)
    kept = [p for p in paragraphs if _contained(_words(p), grams, reference)]
    own = _article_body_paragraphs(article_body)
    covered = sum(len(_words(p)) for p in kept)
    if covered >= 0.6 * len(reference) and len(kept) >= len(own):
        return kept, False
    return own, True


def _article_body_paragraphs(article_body: str) -> list[str]:
    """Blank lines separate paragraphs; a text without any takes single line breaks."""
    paragraphs = text_paragraphs(article_body.replace("\r", "\n"))
    if len(paragraphs) == 1 and "\n" in paragraphs[0]:
        paragraphs = [p for p in (clean_paragraph(line) for line in paragraphs[0].split("\n")) if p]
    return paragraphs


def _words(text: str) -> list[str]:
    return [w.casefold().strip(_PUNCTUATION) for w in text.split() if w.strip(_PUNCTUATION)]


def _trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def _contained(words: list[str], grams: set[tuple[str, ...]], reference: list[str]) -> bool:
    if len(words) < 3:
        return bool(words) and set(words) <= set(reference)
    own = _trigrams(words)
    return len(own & grams) >= 0.5 * len(own)


def with_time_of_day(date: str | None, tree: HtmlElement) -> str | None:
    """htmldate gives a day; a <time datetime> in the article on that same day adds the time."""
    if not date or len(date) != 10:
        return date
    for element in tree.xpath(_TIME_XPATH):
        value = (element.get("datetime") or element.get("content") or "").strip()
        if value.startswith(date) and len(value) > 10:
            return value
    return date


def without_link_lines(paragraphs: list[str]) -> list[str]:
    """Drop "Also read: <headline>" lines that news sites put between paragraphs."""
    return [p for p in paragraphs if not (_LINK_LINE.match(p) and len(p.split()) <= 25)]


def split_blob(paragraphs: list[str], tree: HtmlElement) -> list[str]:
    """trafilatura's last resort on a short article is the whole <article> text as one
    paragraph (title, date line and share buttons included). When the page's densest run of
    <p> elements is inside that blob, it is the body."""
    if len(paragraphs) != 1:
        return paragraphs
    blob = _normal(paragraphs[0])
    dense = densest_paragraphs(tree)
    if (
        dense
        and all(_normal(p) in blob for p in dense)
        and len(_normal(" ".join(dense))) < len(blob)
    ):
        return dense
    return paragraphs


def densest_paragraphs(tree: HtmlElement) -> list[str]:
    """The paragraphs of the element holding the most <p> text (outside navigation, headers,
    footers, asides and forms): the article body of a plain page."""
    scores: dict[HtmlElement, int] = {}
    for p in tree.iter("p"):
        if any(a.tag in _NOT_BODY for a in p.iterancestors()):
            continue
        length = len(clean_line(p.text_content()))
        if length >= 25:
            parent = p.getparent()
            scores[parent] = scores.get(parent, 0) + length
    if not scores:
        return []
    best = max(scores, key=lambda element: scores[element])
    blocks = [e for e in best.iter(*_DENSE_BLOCKS) if e is not best]
    chosen = set(blocks)
    texts = (
        clean_paragraph(e.text_content())
        for e in blocks
        if not any(a in chosen for a in e.iterancestors())
    )
    return [t for t in texts if t]


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()
