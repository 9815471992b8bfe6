"""Loading pages: charsets, and bad input of every kind (never a traceback)."""

from __future__ import annotations

import gzip
import time

import pytest

from atnews_scraper.extract import ExtractionError, extract_article
from atnews_scraper.extract.html_page import MAX_HTML_CHARS, decode_html

TEXT = "Café – the minister’s “plan” for Kabul’s déjà-vu traffic"


def sahifa_page(paragraphs: str, head: str = "") -> str:
    return (
        f"<html><head>{head}</head><body class='single postid-7'>"
        "<article id='the-post' class='post-7'><div class='post-inner'>"
        "<h1 class='post-title'>A title</h1><div class='entry'>"
        f"{paragraphs}</div></div></article></body></html>"
    )


@pytest.mark.parametrize(
    ("data", "content_type", "charset", "guessed"),
    [
        (TEXT.encode("utf-8"), None, "utf-8", False),
        # labels resolve to Python's codec names (w3lib's resolve_encoding)
        (TEXT.encode("cp1252"), "text/html; charset=windows-1252", "cp1252", False),
        (TEXT.encode("cp1252"), "text/html; charset=ISO-8859-1", "cp1252", False),
        (b"<meta charset='windows-1252'>" + TEXT.encode("cp1252"), None, "cp1252", False),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
            + TEXT.encode("cp1252"),
            None,
            "cp1252",
            False,
        ),
        # the header wins over the page's own <meta>
        (
            b"<meta charset='utf-8'>" + TEXT.encode("cp1252"),
            "text/html; charset=cp1252",
            "cp1252",
            False,
        ),
        # a page that lies: declared UTF-8, really windows-1252
        (b"<meta charset='utf-8'>" + TEXT.encode("cp1252"), None, "cp1252", True),
        # no declaration at all
        (TEXT.encode("cp1252"), None, "cp1252", True),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), None, "utf-8", False),
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), None, "utf-16-le", False),
        (("<p>" + TEXT).encode("utf-16-le"), None, "utf-16-le", True),
        (("<p>" + TEXT).encode("utf-16-be"), None, "utf-16-be", True),
        (TEXT.encode("utf-8"), "text/html; charset=no-such-charset", "utf-8", False),
        # a server's default header over a UTF-8 page that says so itself
        (
            b"<meta charset='utf-8'>" + TEXT.encode("utf-8"),
            "text/html; charset=ISO-8859-1",
            "utf-8",
            False,
        ),
        # ... and over one that does not
        (TEXT.encode("utf-8"), "text/html; charset=ISO-8859-1", "utf-8", True),
        # ... however the Latin code page is spelt
        (TEXT.encode("utf-8"), "text/html; charset=windows-1252", "utf-8", True),
        (TEXT.encode("utf-8"), "text/html; charset=ISO-8859-15", "utf-8", True),
        # a <meta> in a comment, or past the page's <body> tag, declares nothing (as in browsers)
        (b"<!-- <meta charset='koi8-r'> -->" + TEXT.encode("utf-8"), None, "utf-8", False),
        (b"<body><meta charset='koi8-r'>" + TEXT.encode("utf-8"), None, "utf-8", False),
    ],
)
def test_decode_html(data: bytes, content_type: str | None, charset: str, guessed: bool) -> None:
    text, used, was_guessed = decode_html(data, content_type)
    assert text.endswith(TEXT)
    assert (used, was_guessed) == (charset, guessed)


def test_wrong_charset_page_gets_its_text_and_a_warning() -> None:
    html = sahifa_page(f"<p>{TEXT}.</p>", head="<meta charset='utf-8'>").encode("cp1252")
    record = extract_article(html, "https://www.afghanistantimes.af/a/")
    assert record["body"] == TEXT + "."
    assert record["extraction"]["warnings"] == ["charset-guessed", "no-date"]


def test_windows_1252_page_declared_as_such() -> None:
    html = sahifa_page(f"<p>{TEXT}.</p>", head="<meta charset='windows-1252'>")
    record = extract_article(html.encode("cp1252"), "https://www.afghanistantimes.af/a/")
    assert record["body"] == TEXT + "."
    assert record["extraction"]["warnings"] == ["no-date"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty input: the page has no content"),
        (b"   \n\t  ", "empty input: the page has no content"),
        ("", "empty input: the page has no content"),
        (
            b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
            "binary input: this is a PNG image, not an HTML page",
        ),
        (b"%PDF-1.7\n" + bytes(range(256)), "binary input: this is a PDF file, not an HTML page"),
        (bytes(range(256)) * 16, "binary input: this is not a text or HTML page"),
        (b"\x1f\x8b\x08\x00garbage", "corrupt gzip input: incomplete or truncated stream"),
        (
            gzip.compress(b"<p>text</p>" * 100, mtime=0)[:20],
            "corrupt gzip input: incomplete or truncated stream",
        ),
        (b"<!-- only a comment -->", "no HTML content: Document is empty"),
    ],
)
def test_input_that_is_not_a_page_raises_one_clear_error(data: bytes | str, message: str) -> None:
    with pytest.raises(ExtractionError) as error:
        extract_article(data)
    assert str(error.value) == message


def test_gzip_bytes_are_read_transparently() -> None:
    html = sahifa_page("<p>AT News</p><p>Kabul: Zipped text.</p>").encode()
    record = extract_article(gzip.compress(html), "https://www.afghanistantimes.af/a/")
    assert (record["body"], record["byline"], record["post_id"]) == (
        "Kabul: Zipped text.",
        "AT News",
        7,
    )


def test_truncated_gzip_gives_what_it_has_with_a_warning() -> None:
    more = "".join(f"<p>Paragraph {n * n}.</p>" for n in range(2000))
    html = sahifa_page("<p>Kabul: Zipped text.</p>" + more).encode()
    record = extract_article(gzip.compress(html)[:-200], "https://www.afghanistantimes.af/a/")
    assert record["body"].startswith("Kabul: Zipped text.\n\nParagraph 0.\n\nParagraph 1.")
    assert record["extraction"]["warnings"] == ["gzip-truncated", "no-date"]


def test_truncated_page_gives_what_it_has() -> None:
    html = sahifa_page("<p>AT News</p><p>Kabul: First paragraph.</p><p>Second para")
    cut = html[: html.index("Second para") + len("Second para")]
    record = extract_article(cut, "https://www.afghanistantimes.af/a/")
    assert record["body"] == "Kabul: First paragraph.\n\nSecond para"
    assert record["title"] == "A title"


def test_plain_text_input_is_a_body_with_warnings() -> None:
    record = extract_article("Just plain text, no markup.\n\nA second paragraph of it.")
    assert record["body"] == "Just plain text, no markup.\n\nA second paragraph of it."
    assert record["extraction"]["method"] == "generic"
    assert record["extraction"]["warnings"] == [
        "generic-fallback",
        "no-date",
        "no-title",
        "no-url",
        "not-html",
    ]


def test_deeply_nested_markup_keeps_its_text() -> None:
    deep = "<div>" * 5000 + "<p>Deep text.</p>" + "</div>" * 5000
    html = sahifa_page(f"<p>Kabul: Start.</p>{deep}<p>After.</p>")
    record = extract_article(html, "https://www.afghanistantimes.af/a/")
    assert record["body"] == "Kabul: Start.\n\nDeep text.\n\nAfter."
    assert record["extraction"]["warnings"] == ["markup-too-deep", "no-date"]


def test_deeply_nested_generic_page_gives_a_record() -> None:
    html = "<html><body>" + "<span>" * 5000 + "text" + "</span>" * 5000 + "</body></html>"
    record = extract_article(html)
    assert record["extraction"]["method"] == "generic"
    assert "markup-too-deep" in record["extraction"]["warnings"]


def test_ten_megabyte_page_is_shrunk_not_choked_on() -> None:
    """10 MB, nearly all of it an inline script and a data: URI, as real bloated pages are."""
    script = "<script>var tracking = '" + "x" * 5_000_000 + "';</script>"
    image = "<img src='data:image/png;base64," + "A" * 5_000_000 + "'>"
    html = sahifa_page(f"<p>AT News</p><p>Kabul: The text.</p>{image}", head=script)
    assert len(html) > 10_000_000
    started = time.perf_counter()
    record = extract_article(html.encode(), "https://www.afghanistantimes.af/a/")
    assert time.perf_counter() - started < 5
    assert (record["body"], record["images"]) == ("Kabul: The text.", [])
    assert record["extraction"]["warnings"] == ["no-date"]


@pytest.mark.slow
def test_ten_megabytes_of_text_is_cut_with_a_warning() -> None:
    paragraph = "<p>" + "word " * 100 + "</p>"
    html = sahifa_page(paragraph * (10_000_000 // len(paragraph)))
    record = extract_article(html, "https://www.afghanistantimes.af/a/")
    assert record["extraction"]["warnings"] == ["no-date", "page-truncated"]
    whole_paragraphs_kept = (MAX_HTML_CHARS - html.index("<p>")) // len(paragraph)
    assert record["word_count"] == 100 * whole_paragraphs_kept == 591_600


def test_mangled_saved_pages_give_a_record_or_one_clear_error() -> None:
    """Cut, flipped, shuffled and tag-salted copies of a saved page: never a traceback."""
    import random

    from atnews_scraper.fixture_pages import saved_pages

    original = saved_pages(names=["sco-summit-putin-raisi-xi-samarkand"])[0].html()
    rng = random.Random(4)
    outcomes = {"record": 0, "error": 0}
    for round_number in range(40):
        page = bytearray(original)
        kind = round_number % 4
        if kind == 0:
            page = page[: rng.randrange(len(page))]
        elif kind == 1:
            for _ in range(300):
                page[rng.randrange(len(page))] = rng.randrange(256)
        elif kind == 2:
            lines = bytes(page).split(b"\n")
            rng.shuffle(lines)
            page = bytearray(b"\n".join(lines))
        else:
            for _ in range(60):
                at = rng.randrange(len(page))
                page[at:at] = rng.choice(
                    [b"<div>", b"</p>", b"<td>", b"<!--", b"<script>", b"\x00"]
                )
        try:
            extract_article(bytes(page), "https://www.afghanistantimes.af/x/")
            outcomes["record"] += 1
        except ExtractionError:
            outcomes["error"] += 1
    assert outcomes == {"record": 40, "error": 0}
