"""Structured data in a page: JSON-LD (Yoast's @graph included), Open Graph, article:* and
<head> metadata. Read once per page into a `Structured` value."""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from atnews_scraper.extract.text import clean_line
from atnews_scraper.sequences import unique
from atnews_scraper.urls import shortlink_post_id

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
        "satiricalarticle",
        "socialmediaposting",
    }
)
_ORGANIZATION_TYPES = frozenset(
    {"organization", "newsmediaorganization", "corporation", "organisation", "website"}
)
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|blockquote)\s*>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage", "profilepage"})
_COMMENT = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?:-->|//\s*\]\]>)\s*$")


@dataclass
class Structured:
    """What the page declares about itself; every value is a cleaned string or list."""

    article_type: str | None = None  # the JSON-LD @type of the article node, when there is one
    headline: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    authors: list[str] = field(default_factory=list)  # every author name, people or not
    person_authors: list[str] = field(default_factory=list)  # those not typed as organisations
    sections: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    breadcrumbs: list[str] = field(default_factory=list)
    article_body: str | None = None  # the publisher's own plain text, when it gives it
    image: str | None = None
    url: str | None = None
    post_id: int | None = None
    language: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # og:*, article:*, name=... (first value)
    meta_all: dict[str, list[str]] = field(default_factory=dict)  # every value, in order
    canonical: str | None = None
    shortlink: str | None = None
    title_tag: str | None = None


_LD_XPATH = (
    "//script[contains(translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
    "'abcdefghijklmnopqrstuvwxyz'), 'ld+json')]"
)


def read_structured(tree: HtmlElement) -> Structured:
    """Everything the page declares about itself, from the shared lxml tree."""
    data = Structured()
    _read_head(tree, data)
    _read_json_ld(tree, data)
    return data


def _read_head(tree: HtmlElement, data: Structured) -> None:
    for tag in tree.iter("meta", "link", "title"):
        name = tag.tag
        if name == "meta":
            key = tag.get("property") or tag.get("name") or tag.get("itemprop")
            content = tag.get("content")
            if key and content:
                value = clean_line(content)
                if value:
                    key = key.strip().lower()
                    data.meta.setdefault(key, value)
                    data.meta_all.setdefault(key, []).append(value)
        elif name == "link":
            href = (tag.get("href") or "").strip()
            rels = (tag.get("rel") or "").lower().split()
            if href and "canonical" in rels and data.canonical is None:
                data.canonical = href
            if href and "shortlink" in rels and data.shortlink is None:
                data.shortlink = href
        elif name == "title" and data.title_tag is None:
            data.title_tag = clean_line(tag.text_content()) or None
    lang = tree.get("lang") or tree.get("xml:lang")
    if lang and lang.strip():
        data.language = lang.strip()


def _read_json_ld(tree: HtmlElement, data: Structured) -> None:
    nodes: list[dict[str, Any]] = []
    for script in tree.xpath(_LD_XPATH):
        raw = _COMMENT.sub("", (script.text or "").strip())
        try:
            parsed = json.loads(raw, strict=False)
        except ValueError:
            continue
        _collect_nodes(parsed, nodes)
    if not nodes:
        return
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    article = next((n for n in nodes if _types(n) & ARTICLE_TYPES), None)
    page = next((n for n in nodes if _types(n) & _PAGE_TYPES), None)
    crumbs = next((n for n in nodes if "breadcrumblist" in _types(n)), None)
    if article is not None:
        data.article_type = sorted(_types(article) & ARTICLE_TYPES)[0]
        data.headline = _text(article.get("headline")) or _text(article.get("name"))
        data.authors = _names(article.get("author"), by_id)
        data.person_authors = _names(article.get("author"), by_id, people_only=True)
        body = article.get("articleBody")
        data.article_body = _plain_text(body) if isinstance(body, str) else None
        data.sections = _strings(article.get("articleSection"))
        data.keywords = _strings(article.get("keywords"), split_commas=True)
        data.image = _image_url(article.get("image"), by_id)
        data.url = _id_url(article.get("mainEntityOfPage"), by_id) or _text(article.get("url"))
        data.language = _text(article.get("inLanguage")) or data.language
        data.post_id = _post_id(article.get("@id")) or _post_id(article.get("url"))
    for node in (article, page):
        if node is None:
            continue
        data.date_published = data.date_published or _text(node.get("datePublished"))
        data.date_modified = data.date_modified or _text(node.get("dateModified"))
        if page is node:
            data.url = data.url or _text(node.get("url"))
            data.language = data.language or _text(node.get("inLanguage"))
            data.image = data.image or _image_url(node.get("primaryImageOfPage"), by_id)
    if crumbs is not None:
        data.breadcrumbs = _crumb_names(crumbs, by_id)


def _collect_nodes(value: Any, nodes: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(value, list):
        for item in value:
            _collect_nodes(item, nodes, depth + 1)
    elif isinstance(value, dict):
        if "@type" in value:
            nodes.append(value)
        graph = value.get("@graph")
        if graph is not None:
            _collect_nodes(graph, nodes, depth + 1)


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    values = kind if isinstance(kind, list) else [kind]
    return {v.lower() for v in values if isinstance(v, str)}


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and "@id" in value:
        return by_id.get(value["@id"], value)
    return value


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    return clean_line(_unescape(value)) or None


def _unescape(value: str) -> str:
    return html_lib.unescape(value) if "&" in value else value


def _plain_text(value: str) -> str | None:
    """articleBody as text: some sites put HTML in it."""
    if "<" in value:
        value = _BLOCK_END.sub("\n\n", value)
        value = _TAG.sub("", value)
    return _unescape(value).strip() or None


def _strings(value: Any, split_commas: bool = False) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            continue
        parts = item.split(",") if split_commas else [item]
        for part in parts:
            text = clean_line(_unescape(part))
            if text:
                out.append(text)
    return unique(out)


def _names(value: Any, by_id: dict[str, dict[str, Any]], people_only: bool = False) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        item = _resolve(item, by_id)
        if people_only and isinstance(item, dict) and _types(item) & _ORGANIZATION_TYPES:
            continue
        name = _text(item.get("name")) if isinstance(item, dict) else _text(item)
        if name:
            out.append(name)
    return unique(out)


def _image_url(value: Any, by_id: dict[str, dict[str, Any]]) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    value = _resolve(value, by_id)
    if isinstance(value, dict):
        return _text(value.get("url")) or _text(value.get("contentUrl"))
    return _text(value)


def _id_url(value: Any, by_id: dict[str, dict[str, Any]]) -> str | None:
    if isinstance(value, dict):
        resolved = _resolve(value, by_id)
        if isinstance(resolved, dict):
            return _text(resolved.get("url")) or _text(value.get("@id"))
        return None
    return _text(value)


def _post_id(value: Any) -> int | None:
    return shortlink_post_id(value) if isinstance(value, str) else None


def _crumb_names(node: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[str]:
    items = node.get("itemListElement")
    if not isinstance(items, list):
        return []
    ordered = sorted(
        (i for i in items if isinstance(i, dict)),
        key=lambda i: _position(i.get("position")),
    )
    names = []
    for item in ordered:
        name = _text(item.get("name"))
        if name is None:
            target = _resolve(item.get("item"), by_id)
            name = _text(target.get("name")) if isinstance(target, dict) else None
        if name:
            names.append(name)
    return names


def _position(value: Any) -> int:
    return value if isinstance(value, int) else 0
