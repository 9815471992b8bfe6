"""The shared Sahifa renderer's two styles (whole pages are pinned by test_sitegen.py and
test_fixture_author.py)."""

from __future__ import annotations

import datetime as dt

from tooling.sitegen import sahifa


def test_compact_drops_indentation_comments_and_breaks_inside_a_part() -> None:
    links = sahifa.COMPACT.fill(
        "neighbour", side="next", rel="next", label="Next", title="T", href="/t/"
    )
    assert sahifa.SAVED.fill("navigation", links="") == (
        '\t\t\t\t<div class="post-navigation">\n\t\t\t</div><!-- .post-navigation -->'
    )
    assert sahifa.COMPACT.fill("navigation", links=links) == (
        '<div class="post-navigation"><div class="post-next"><a href="/t/" rel="next">'
        "<span>Next</span> T</a></div></div>"
    )


def test_a_part_of_several_lines_keeps_its_line_breaks_in_both_styles() -> None:
    post = sahifa.Post(
        post_id=7,
        url="https://www.afghanistantimes.af/t/",
        title="T",
        published=dt.datetime(2024, 3, 5, 9, 30),
        author="AT News",
        author_slug="at-news",
        categories=[("Nation", "nation"), ("Latest", "latest")],
        tags=[],
        blocks=["<p>Text.</p>"],
        views=1234,
        share_text="T",
        categories_shown=1,
    )
    saved, compact = (
        sahifa.meta_line(style, post).split("\n") for style in (sahifa.SAVED, sahifa.COMPACT)
    )
    assert compact == [line.lstrip("\t") for line in saved]
    assert compact == [
        '<p class="post-meta">',
        '<span class="post-meta-author"><i class="fa fa-user"></i>'
        '<a href="https://www.afghanistantimes.af/author/at-news/" title="">AT News </a></span>',
        '<span class="tie-date"><i class="fa fa-clock-o"></i>March 5, 2024</span>',
        '<span class="post-cats"><i class="fa fa-folder"></i><a href="https://www.afghanistantimes.af'
        '/category/nation/" rel="category tag">Nation</a></span>',
        '<span class="post-comments"><i class="fa fa-comments"></i>'
        '<a href="https://www.afghanistantimes.af/t/#respond">Leave a comment</a></span>',
        '<span class="post-views"><i class="fa fa-eye"></i>1,234 Views</span>',
        "</p>",
    ]


def test_furniture_only_in_the_saved_style() -> None:
    teaser = sahifa.Teaser("T", "/t/", "/t.jpg", date="March 5, 2024")
    saved = sahifa.related_box(sahifa.SAVED, [teaser])
    compact = sahifa.related_box(sahifa.COMPACT, [teaser])
    assert saved.count('class="fa') == 2 and "<!--" in saved and "\t" in saved
    assert compact == (
        '<section id="related_posts"><div class="block-head"><h3>Related Articles</h3>'
        '<div class="stripe-line"></div></div><div class="post-listing"><div class="related-item">'
        '<div class="post-thumbnail"><a href="/t/"><img src="/t.jpg" alt="" /></a></div>'
        '<h3><a href="/t/" rel="bookmark">T</a></h3><p class="post-meta">'
        '<span class="tie-date">March 5, 2024</span></p></div><div class="clear"></div></div>'
        "</section>"
    )
