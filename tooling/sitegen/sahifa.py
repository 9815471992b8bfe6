"""The article markup of the Sahifa 5.x theme (docs/site-notes.md), for both page writers.

The saved fixture pages (``fixtures/pages/_author.py``) and the synthetic site
(``render_html.py``) print the same parts in the same order, from ``#the-post`` to the Check
Also box. Each part is a template in ``FRAGMENTS``, written once with the whitespace the theme's
PHP prints (tabs, line breaks, closing comments). A ``Style`` names how one writer prints them:

- ``SAVED`` prints the templates as they are, with the theme's full furniture (icons, avatar,
  microdata, five share buttons);
- ``COMPACT`` (the synthetic site) drops the tabs, the closing comments and the line breaks
  inside a part, and most furniture (``snippets``), so a page is a few hundred short lines.

Every part is one line of the page: ``render_post`` returns lines, and a writer ends each with a
newline. Values go in already escaped, as the page prints them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from tooling.sitegen.links import MAIN, display_date

_COMMENT = re.compile(r"[ \t]*<!--.*?-->")


@dataclass(frozen=True, eq=False)  # hashed by identity: _template caches per style
class Style:
    """How one page writer prints the shared templates."""

    compact: bool  # drop tabs, closing comments and in-part line breaks
    snippets: Mapping[str, str]  # how it prints each piece of FURNITURE (missing: not at all)
    share_networks: int  # how many of SHARE_NETWORKS the share box shows
    wordpress_classes: bool  # `has-post-thumbnail` and `hentry` on the article
    clear_without_meta_line: bool  # the `.clear` after the title when there is no meta line

    @property
    def join(self) -> str:
        """What separates the items of a list inside one part."""
        return "" if self.compact else "\n"

    def fill(self, name: str, **values: object) -> str:
        return self._template(name).format(**values)

    @cache  # noqa: B019 (two module-level instances; the cache holds a few dozen strings)
    def _template(self, name: str) -> str:
        fragment = FRAGMENTS[name]
        lines = (fragment,) if isinstance(fragment, str) else fragment
        return "\n".join(self._line(line) for line in lines)

    def _line(self, template: str) -> str:
        for key in FURNITURE:
            template = template.replace("{" + key + "}", self.snippets.get(key, ""))
        if self.compact:
            template = re.sub(r"[\t\n]", "", _COMMENT.sub("", template))
        return template


AVATAR = (
    "\n\t\t\t<div class=\"author-avatar\">\n\t\t\t\t<img alt='' "
    "src='https://secure.gravatar.com/avatar/{avatar}?s=90&#038;d=mm&#038;r=g' "
    "class='avatar avatar-90 photo' height='90' width='90' loading='lazy'/>"
    "\t\t\t</div><!-- #author-avatar -->\n"
    '\t\t\t<div class="author-description">\n\t\t\t\t{bio}'
    "\t\t\t</div><!-- #author-description -->\n"
    '\t\t\t<div class="author-social flat-social">\n\t\t\t</div>\n\t\t\t<div class="clear"></div>'
)

# What the saved pages print in the templates' {named} places, as the live theme does.
FURNITURE = {
    "clock": '<i class="fa fa-clock-o"></i>',
    "overlay": '<span class="fa overlay-icon"></span>',
    "share_icon": '<i class="fa fa-{key}"></i> ',
    "thumb_class": "attachment-slider size-slider wp-post-image",
    "medium_image": (
        '<img width="310" height="165" src="{src}" '
        'class="attachment-tie-medium size-tie-medium wp-post-image" alt="" />'
    ),
    "vcard_person": ' itemscope itemtype="http://schema.org/Person"',
    "vcard_name": (
        ' itemprop="name"><a href="{author_url}" title="Posts by {author_attr}" rel="author">'
        "{author}</a>"
    ),
    "author_stripe": '<div class="stripe-line"></div>',
    "author_bio": AVATAR,
}

SAVED = Style(
    compact=False,
    snippets=FURNITURE,
    share_networks=5,
    wordpress_classes=True,
    clear_without_meta_line=False,
)

COMPACT = Style(
    compact=True,
    snippets={
        "thumb_class": "attachment-slider",
        "medium_image": '<img src="{src}" alt="{alt}" />',
        "vcard_name": ">{author}",
    },
    share_networks=2,
    wordpress_classes=False,
    clear_without_meta_line=True,
)

# (key, label, link); {link} is the post's shortlink, {text} its title for the link.
SHARE_NETWORKS = (
    ("facebook", "Facebook", "http://www.facebook.com/sharer.php?u={link}"),
    ("twitter", "Twitter", "https://twitter.com/intent/tweet?text={text}&amp;url={link}"),
    (
        "linkedin",
        "LinkedIn",
        "http://www.linkedin.com/shareArticle?mini=true&amp;url={link}&amp;title={text}",
    ),
    (
        "pinterest",
        "Pinterest",
        "http://pinterest.com/pin/create/button/?url={link}&amp;description={text}",
    ),
    ("whatsapp", "WhatsApp", "https://api.whatsapp.com/send?text={text}%20{link}"),
)

# A tuple is several lines of the page: both styles keep the line breaks between them.
FRAGMENTS: dict[str, str | tuple[str, ...]] = {
    "article": '\t\t<article class="{classes}" id="the-post">',
    "thumb": (
        '\t\t\t<div class="single-post-thumb">\n\t\t\t<img width="660" height="330" src="{src}" '
        'class="{thumb_class}" alt="{alt}" />\t\t</div>'
    ),
    "title": (
        '\t\t\t<div class="post-inner">',
        '\t\t\t\t<h1 class="name post-title entry-title"><span itemprop="name">{title}</span></h1>',
    ),
    "meta_line": (
        '<p class="post-meta">',
        '\t<span class="post-meta-author"><i class="fa fa-user"></i><a href="{author_url}" '
        'title="">{author} </a></span>',
        '\t<span class="tie-date"><i class="fa fa-clock-o"></i>{date}</span>',
        '\t<span class="post-cats"><i class="fa fa-folder"></i>{categories}</span>',
        '\t<span class="post-comments"><i class="fa fa-comments"></i><a href="{url}#respond">'
        "Leave a comment</a></span>",
        '<span class="post-views"><i class="fa fa-eye"></i>{views:,} Views</span>',
        "</p>",
    ),
    "clear": '<div class="clear"></div>',
    "entry": '\t\t\t\t<div class="entry">',
    "entry_close": "\t\t\t\t\t\t\t\t\t</div><!-- .entry /-->",
    "updated": '\t\t\t\t<span style="display:none" class="updated">{day}</span>',
    "vcard": (
        '\t\t\t\t\t\t\t\t<div style="display:none" class="vcard author" itemprop="author"'
        '{vcard_person}><strong class="fn"{vcard_name}</strong></div>'
    ),
    "share": (
        '<div class="share-post">\n\t<span class="share-text">Share</span>\n'
        '\t<ul class="flat-social">\n{buttons}\n\t</ul>\n\t<div class="clear"></div>\n'
        "</div> <!-- .share-post -->"
    ),
    "share_button": (
        '\t\t<li><a href="{href}" class="social-{key}" rel="external" target="_blank">'
        "{share_icon}<span>{label}</span></a></li>"
    ),
    "post_close": (
        '\t\t\t\t<div class="clear"></div>',
        "\t\t\t</div><!-- .post-inner -->",
        "\t\t</article><!-- .post-listing -->",
    ),
    "tags": '\t\t<p class="post-tag">Tags {links}</p>',
    "author_box": (
        '\t\t<section id="author-box">\n\t\t\t<div class="block-head">\n'
        "\t\t\t\t<h3>About {author} </h3>{author_stripe}\n\t\t\t</div>\n"
        '\t\t\t<div class="post-listing">\n\t\t\t\t<div class="author-bio">{author_bio}\n'
        "\t\t\t\t</div>\n\t\t\t</div>\n\t\t</section><!-- #author-box -->"
    ),
    "navigation": (
        '\t\t\t\t<div class="post-navigation">{links}\n\t\t\t</div><!-- .post-navigation -->'
    ),
    "neighbour": (
        '\n\t\t\t\t<div class="post-{side}"><a href="{href}" rel="{rel}"><span>{label}</span> '
        "{title}</a></div>"
    ),
    "date": '<span class="tie-date">{clock}{date}</span>',
    "teaser_image": "{medium_image}",
    "thumbnail": (
        '{indent}<div class="post-thumbnail">\n{indent}\t<a href="{href}">\n'
        "{indent}\t\t{image}{indent}\t\t{overlay}\n{indent}\t</a>\n"
        "{indent}</div><!-- post-thumbnail /-->"
    ),
    "related": (
        '<section id="related_posts">\n\t<div class="block-head">\n'
        '\t\t<h3>Related Articles</h3><div class="stripe-line"></div>\n\t</div>\n'
        '\t<div class="post-listing">\n{items}\n\t\t<div class="clear"></div>\n\t</div>\n</section>'
    ),
    "related_item": (
        '<div class="related-item">\n{thumbnail}'
        '\t<h3><a href="{href}" rel="bookmark">{title}</a></h3>\n'
        '\t<p class="post-meta">{date}</p>\n</div>'
    ),
    "check_also": (
        '\t\t\t<section id="check-also-box" class="post-listing check-also-right">\n'
        '\t\t\t\t<a href="#" id="check-also-close"><i class="fa fa-close"></i></a>\n'
        '\t\t\t\t<div class="block-head">\n\t\t\t\t\t<h3>Check Also</h3>\n\t\t\t\t</div>\n'
        '\t\t\t\t<div class="check-also-post">\n{thumbnail}'
        '\t\t\t\t\t<h2 class="post-title"><a href="{href}" rel="bookmark">{title}</a></h2>\n'
        "\t\t\t\t\t<p>{excerpt}</p>\n\t\t\t\t</div>\n\t\t\t</section>"
    ),
}


@dataclass(frozen=True)
class Teaser:
    """Another post as a box shows it: related posts, Check Also."""

    title: str
    href: str
    image: str | None  # the thumbnail's src; None: no thumbnail
    date: str = ""  # as printed ("September 15, 2022")
    alt: str = ""
    excerpt: str = ""


@dataclass(frozen=True)
class Post:
    """What the article part of a single-post page shows, every text as the page prints it."""

    post_id: int
    url: str
    title: str
    published: dt.datetime
    author: str
    author_slug: str
    categories: Sequence[tuple[str, str]]  # (name, slug)
    tags: Sequence[tuple[str, str]]  # (name, slug)
    blocks: Sequence[str]  # the entry's body, one item a line
    views: int
    share_text: str  # the title as the share links carry it
    thumb: tuple[str, str] | None = None  # (src, alt)
    meta_line: bool = True
    categories_shown: int | None = None  # the meta line shows the first N (None: all)
    share_top: bool = False
    updated_span: bool = False
    author_bio: str = ""
    # None: no navigation box; otherwise (previous, next), each (title, link) or None
    navigation: tuple[tuple[str, str] | None, tuple[str, str] | None] | None = None
    related: Sequence[Teaser] = ()
    check_also: Teaser | None = None

    @property
    def author_url(self) -> str:
        return f"{MAIN}/author/{self.author_slug}/"


def render_post(style: Style, post: Post) -> list[str]:
    """``#the-post`` through the Check Also box, one part a line."""
    lines = [style.fill("article", classes=post_classes(style, post))]
    if post.thumb is not None:
        lines.append(style.fill("thumb", src=post.thumb[0], alt=post.thumb[1]))
    lines.append(style.fill("title", title=post.title))
    if post.meta_line:
        lines.append(meta_line(style, post))
    if post.meta_line or style.clear_without_meta_line:
        lines.append(style.fill("clear"))
    lines.append(style.fill("entry"))
    if post.share_top:
        lines.append(share_buttons(style, post))
    lines += ["\n".join(post.blocks), style.fill("entry_close")]
    if post.updated_span:
        lines.append(style.fill("updated", day=f"{post.published:%Y-%m-%d}"))
    author = {"author": post.author, "author_url": post.author_url}
    lines += [
        style.fill("vcard", author_attr=html.escape(post.author), **author),
        share_buttons(style, post),
        style.fill("post_close"),
    ]
    if post.tags:
        lines.append(style.fill("tags", links=term_links(post.tags, "tag", " ")))
    avatar = hashlib.md5(post.author_slug.encode()).hexdigest()
    lines.append(style.fill("author_box", author=post.author, avatar=avatar, bio=post.author_bio))
    if post.navigation is not None:
        sides = (("previous", "prev", "Previous"), ("next", "next", "Next"))
        links = "".join(
            style.fill("neighbour", side=side, rel=rel, label=label, title=pair[0], href=pair[1])
            for (side, rel, label), pair in zip(sides, post.navigation, strict=True)
            if pair is not None
        )
        lines.append(style.fill("navigation", links=links))
    if post.related:
        lines.append(related_box(style, post.related))
    if post.check_also is not None:
        lines.append(check_also_box(style, post.check_also))
    return lines


def post_classes(style: Style, post: Post) -> str:
    classes = [f"post-listing post-{post.post_id} post type-post status-publish format-standard"]
    if style.wordpress_classes:
        classes += ["has-post-thumbnail"] if post.thumb else []
        classes.append("hentry")
    classes += [f"category-{slug}" for _, slug in post.categories]
    classes += [f"tag-{slug}" for _, slug in post.tags]
    return " ".join(classes)


def meta_line(style: Style, post: Post) -> str:
    categories = term_links(post.categories[: post.categories_shown], "category", ", ")
    return style.fill(
        "meta_line",
        author=post.author,
        author_url=post.author_url,
        date=display_date(post.published),
        categories=categories,
        url=post.url,
        views=post.views,
    )


def term_links(terms: Sequence[tuple[str, str]], kind: str, separator: str) -> str:
    """Category or tag links; a category's `rel` is "category tag", a tag's "tag"."""
    rel = "category tag" if kind == "category" else "tag"
    return separator.join(
        f'<a href="{MAIN}/{kind}/{slug}/" rel="{rel}">{name}</a>' for name, slug in terms
    )


def share_buttons(style: Style, post: Post) -> str:
    buttons = style.join.join(
        style.fill(
            "share_button",
            key=key,
            label=label,
            href=href.format(link=f"{MAIN}/?p={post.post_id}", text=post.share_text),
        )
        for key, label, href in SHARE_NETWORKS[: style.share_networks]
    )
    return style.fill("share", buttons=buttons)


def date_span(style: Style, date: str) -> str:
    """A list's date (`span.tie-date`)."""
    return style.fill("date", date=date)


def thumbnail(style: Style, teaser: Teaser, depth: int) -> str:
    """A teaser's linked thumbnail at the theme's indentation ``depth``, and its line break."""
    if teaser.image is None:
        return ""
    image = style.fill("teaser_image", src=teaser.image, alt=teaser.alt)
    indent = "" if style.compact else "\t" * depth
    box = style.fill("thumbnail", indent=indent, href=teaser.href, image=image)
    return box + style.join


def related_box(style: Style, teasers: Sequence[Teaser]) -> str:
    """``#related_posts``: the theme's Related Articles box."""
    items = style.join.join(
        style.fill(
            "related_item",
            thumbnail=thumbnail(style, teaser, 1),
            href=teaser.href,
            title=teaser.title,
            date=date_span(style, teaser.date),
        )
        for teaser in teasers
    )
    return style.fill("related", items=items)


def check_also_box(style: Style, teaser: Teaser) -> str:
    return style.fill(
        "check_also",
        thumbnail=thumbnail(style, teaser, 5),
        href=teaser.href,
        title=teaser.title,
        excerpt=teaser.excerpt,
    )
