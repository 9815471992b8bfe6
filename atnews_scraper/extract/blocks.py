"""HTML blocks to body paragraphs: the walk every BeautifulSoup-based body rule shares.

Iterative (no recursion), so markup nested thousands deep cannot overflow the stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, PageElement, ProcessingInstruction

from atnews_scraper.extract.text import clean_inline, clean_paragraph

BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    }
)
# Never text of an article, wherever they are.
SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "iframe",
        "form",
        "button",
        "svg",
        "template",
        "object",
        "embed",
        "figcaption",
        "nav",
        "select",
        "textarea",
        "input",
        "head",
        "title",
        "meta",
        "link",
    }
)
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CELL = "\x1f"  # marks a cell boundary inside a table-row buffer
_EXIT = None  # stack marker: the block above it ends here


@dataclass
class Blocks:
    paragraphs: list[str] = field(default_factory=list)
    images: list[Tag] = field(default_factory=list)


def is_hidden(tag: Tag) -> bool:
    style = tag.get("style")
    return isinstance(style, str) and bool(_HIDDEN.search(style))


def read_blocks(root: Tag, skip: Callable[[Tag], bool]) -> Blocks:
    """Paragraphs of `root` in document order (one per block, <br> as "\\n", a table row as its
    cells joined by " | "), and the <img> tags met on the way. `skip(tag)` drops a subtree."""
    out = Blocks()
    buffer: list[str] = []
    row_depth = 0  # >0 while inside a table row: blocks there do not split the row
    stack: list[PageElement | None] = list(reversed(root.contents))
    exits: list[str] = []  # names of the open blocks, matched with the _EXIT markers

    def flush() -> None:
        if not buffer:
            return
        raw = "".join(buffer)
        buffer.clear()
        if _CELL in raw:
            cells = [clean_paragraph(c).replace("\n", " ") for c in raw.split(_CELL)]
            text = " | ".join(c for c in cells if c)
        else:
            text = clean_paragraph(raw)
        if text:
            out.paragraphs.append(text)

    while stack:
        node = stack.pop()
        if node is _EXIT:
            name = exits.pop()
            if name == "tr":
                row_depth -= 1
            if not row_depth:
                flush()
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, _NOT_TEXT):
                buffer.append(clean_inline(str(node)))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in SKIP_TAGS or skip(node) or is_hidden(node):
            continue
        if name == "br":
            buffer.append(" " if row_depth else "\n")
            continue
        if name == "img":
            out.images.append(node)
            continue
        if name in ("td", "th") and row_depth:
            buffer.append(_CELL)
        elif name == "tr":
            if not row_depth:
                flush()
            row_depth += 1
        elif name in BLOCK_TAGS:
            if row_depth:
                buffer.append(" ")
            else:
                flush()
        else:
            stack.extend(reversed(node.contents))
            continue
        exits.append(name)
        stack.append(_EXIT)
        stack.extend(reversed(node.contents))
    flush()
    return out
