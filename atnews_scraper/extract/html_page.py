"""Loading a page: bytes to text (charset sniffing), text to one shared BeautifulSoup tree."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    to_unicode,
)

from atnews_scraper.gunzip import GZIP_MAGIC, GzipCorrupt, GzipTooLarge, gunzip_capped
from atnews_scraper.sequences import unique

# Decompressed pages larger than this are refused: nothing real is that big, a zip bomb is.
MAX_DECOMPRESSED = 64 * 1024 * 1024
# Real article pages are 50 KB to 2 MB. Past this, bulk that is never text (inline data: URIs,
# scripts, styles) is dropped, then the rest is cut, with a warning: extraction time stays
# bounded and a record stays far below MongoDB's 16 MB document limit.
MAX_HTML_CHARS = 3_000_000

_BINARY_MAGIC = (
    (b"%PDF", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a RIFF (WebP/WAV) file"),
    (b"\x7fELF", "an executable"),
)
_LATIN_CODEPAGES = ("cp125", "iso8859", "mac_", "cp437", "cp850", "cp858", "latin", "cp1006")
_BULKY_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]{2000,}")
_BULKY_SCRIPT = re.compile(r"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
# A declared charset is kept, its bad bytes replaced, while it decodes this many characters
# beyond ASCII for each bad byte; below that the page is in another charset and is guessed.
_MOSTLY_VALID = 20


class ExtractionError(ValueError):
    """The input cannot be a web page at all (empty, binary); the message says which."""


@dataclass
class Page:
    """One loaded page: its text, the charset used, and its one parsed lxml tree, which the
    structured-data reader, the theme rules and trafilatura all share."""

    html: str
    tree: HtmlElement
    charset: str | None
    too_deep: bool = False  # nesting passed libxml2's depth limit: the tree lost content
    warnings: set[str] = field(default_factory=set)


def load_page(data: bytes | str, content_type: str | None = None) -> Page:
    """Decode and parse a page once. Raises ExtractionError for empty or binary input."""
    warnings: set[str] = set()
    if isinstance(data, bytes):
        data = _maybe_gunzip(data, warnings)
        text, charset, guessed = decode_html(data, content_type)
        if guessed:
            warnings.add("charset-guessed")
    else:
        text, charset = data, None
    if not text.strip():
        raise ExtractionError("empty input: the page has no content")
    sample = text[:4096]
    if len(_TEXT_CONTROLS.findall(sample)) > max(8, len(sample) // 100):
        raise ExtractionError("binary input: this is not a text or HTML page")
    text = _XML_DECLARATION.sub("", _CONTROL_CHARS.sub("", text), count=1)
    if len(text) > MAX_HTML_CHARS:
        text = _shrink(text, warnings)
    if "<" not in text[:65536]:
        warnings.add("not-html")
    parser = HTMLParser(huge_tree=True, remove_blank_text=False)
    try:
        tree = document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"no HTML content: {exc}") from None
    too_deep = any("Excessive depth" in entry.message for entry in parser.error_log)
    if too_deep:
        warnings.add("markup-too-deep")
    return Page(html=text, tree=tree, charset=charset, too_deep=too_deep, warnings=warnings)


def _shrink(text: str, warnings: set[str]) -> str:
    text = _BULKY_DATA_URI.sub("data:,", text)
    text = _BULKY_SCRIPT.sub(_keep_json_ld, text)
    if len(text) > MAX_HTML_CHARS:
        cut = text.rfind("<", 0, MAX_HTML_CHARS)
        text = text[: cut if cut > 0 else MAX_HTML_CHARS]
        warnings.add("page-truncated")
    return text


def _keep_json_ld(match: re.Match[str]) -> str:
    tag, attrs, content = match.groups()
    if len(content) < 2000 or "ld+json" in attrs.lower():
        return match.group(0)
    return f"<{tag}{attrs}></{tag}>"


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str, bool]:
    """Bytes to text: BOM, HTTP header charset, <meta> charset, UTF-8, charset-normalizer, cp1252.

    Returns (text, charset, guessed); guessed is True when no declared charset could decode it.
    The BOM and the declarations are read by w3lib, as Scrapy reads them, labels resolved as
    browsers do (ISO-8859-1 is windows-1252); w3lib's ``html_to_unicode`` is not used: it trusts
    the first declaration, where a page's own bytes decide here (the rules below it lacks).
    """
    if not data.strip():
        raise ExtractionError("empty input: the page has no content")
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ExtractionError(f"binary input: this is {what}, not an HTML page")
    bom_charset, bom = read_bom(data)
    if bom_charset is not None and bom is not None:
        return to_unicode(data[len(bom) :], bom_charset), bom_charset, False
    declared = unique(
        charset
        for charset in (http_content_type_encoding(content_type), html_body_declared_encoding(data))
        if charset is not None
    )
    if declared and _is_latin_codepage(declared[0]) and _is_utf8_text(data):
        # A server default ("ISO-8859-1") over a UTF-8 page: windows-1252 would decode it, as
        # mojibake. Text in a single-byte charset is practically never valid multi-byte UTF-8.
        return data.decode("utf-8"), "utf-8", "utf-8" not in declared
    for charset in declared:
        try:
            return data.decode(charset), charset, False
        except UnicodeDecodeError:
            continue
    for charset in declared:
        text = _mostly_decodes(data, charset)
        if text is not None:
            return text, charset, False
    wide = _utf16_without_bom(data)
    if wide:
        return to_unicode(data, wide), wide, True
    if b"\x00" in data[:1024] and data.count(b"\x00") > len(data[:1024]) // 8:
        raise ExtractionError("binary input: the page is full of NUL bytes")
    try:
        return data.decode("utf-8"), "utf-8", bool(declared)
    except UnicodeDecodeError:
        pass
    guess = _normalizer_guess(data)
    if guess and not _is_latin_codepage(guess):
        return to_unicode(data, guess), guess, True
    # Latin-script single-byte pages are told apart badly by statistics (cp1257 for French);
    # windows-1252 is what browsers assume for them.
    return to_unicode(data, "cp1252"), "cp1252", True


def _mostly_decodes(data: bytes, charset: str) -> str | None:
    """The text in ``charset`` with its few invalid bytes replaced (U+FFFD), as a browser shows a
    page with a stray bad byte; None when the bytes are mostly not that charset (a page in
    another encoding altogether), which is then guessed."""
    text = to_unicode(data, charset)
    replaced = text.count("\ufffd")
    if codecs.lookup(charset).name == "utf-8":
        replaced -= data.count("\ufffd".encode())  # U+FFFD written in the page itself
    decoded = sum(1 for char in text if ord(char) > 127) - replaced
    return text if replaced * _MOSTLY_VALID <= decoded else None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of a Latin-script page has a NUL in every other byte."""
    sample = data[:400]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 8:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _is_utf8_text(data: bytes) -> bool:
    """Valid UTF-8 with at least one multi-byte character."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_latin_codepage(charset: str) -> bool:
    name = charset.lower().replace("-", "_")
    return name.startswith(_LATIN_CODEPAGES) or name in {"latin_1", "ascii"}


def _normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return best.encoding if best is not None else None


def _maybe_gunzip(data: bytes, warnings: set[str]) -> bytes:
    """Inflate gzip bytes (a saved .gz page); a cut-off stream gives what it has, flagged."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        inflated = gunzip_capped(data, MAX_DECOMPRESSED)
    except GzipCorrupt as exc:
        raise ExtractionError(f"corrupt gzip input: {exc}") from None
    except GzipTooLarge:
        raise ExtractionError(
            f"gzip input inflates past {MAX_DECOMPRESSED // 2**20} MB: refusing it"
        ) from None
    if not inflated.complete:
        if len(inflated.data) < 64:
            raise ExtractionError("corrupt gzip input: incomplete or truncated stream")
        warnings.add("gzip-truncated")
    return inflated.data
