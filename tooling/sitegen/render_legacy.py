"""Article pages after a redesign: a plain WordPress theme with none of Sahifa's markup.

A site built with ``SiteSpec.with_theme("legacy")`` is how a test sees what happens the day the
paper changes its theme: no ``#the-post``, ``.post-inner``, ``.entry``, ``#crumbs``,
``.post-meta``, ``#check-also-box``; the title in ``h1.entry-title``, the date in
``time.entry-date[datetime]``, the text in ``div.entry-content``.
"""

from __future__ import annotations

from tooling.sitegen.links import display_date, iso, text, url
from tooling.sitegen.spec import SITE_NAME, ArticleSpec, SiteSpec


def _links(paths_and_names: list[tuple[str, str]], rel: str) -> str:
    return ", ".join(
        f'<a href="{url(path)}" rel="{rel}">{text(name)}</a>' for path, name in paths_and_names
    )


def render_legacy_article(site: SiteSpec, article: ArticleSpec) -> str:
    author = site.author(article.author)
    categories = _links(
        [(f"/category/{c}/", site.category(c).name) for c in article.categories],
        "category tag",
    )
    tags = _links([(f"/tag/{t}/", site.tag(t).name) for t in article.tags], "tag")
    previous, following = site.neighbours(article)
    navigation = "".join(
        f'<div class="nav-{side}"><a href="{url(other.path)}" rel="{rel}">{text(other.title)}</a>'
        "</div>"
        for side, rel, other in (("previous", "prev", previous), ("next", "next", following))
        if other is not None
    )
    body = "\n".join(f"<p>{text(p)}</p>" for p in article.printed_paragraphs)
    return (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
        f"<title>{text(article.title)} | {SITE_NAME}</title>\n"
        f'<link rel="canonical" href="{url(article.path)}">\n</head>\n'
        f'<body class="post-template-default single single-post postid-{article.post_id}">\n'
        '<div id="page" class="site">\n'
        f'<header class="site-header"><p class="site-title"><a href="{url("/")}" rel="home">'
        f"{SITE_NAME}</a></p></header>\n"
        '<main id="main" class="site-main">\n'
        f'<article id="post-{article.post_id}" class="post-{article.post_id} post type-post">\n'
        f'<header class="entry-header"><h1 class="entry-title">{text(article.title)}</h1>\n'
        '<div class="entry-meta"><span class="posted-on"><time class="entry-date published" '
        f'datetime="{iso(article.published)}">{display_date(article.published)}</time></span> '
        f'<span class="byline">by <span class="author vcard"><a class="url fn n" '
        f'href="{url(f"/author/{author.login}/")}">{text(author.display_name)}</a></span></span>'
        "</div></header>\n"
        f'<div class="entry-content">\n{body}\n</div>\n'
        f'<footer class="entry-footer"><span class="cat-links">Posted in {categories}</span>'
        + (f' <span class="tags-links">Tagged {tags}</span>' if tags else "")
        + "</footer>\n</article>\n"
        f'<nav class="navigation post-navigation"><div class="nav-links">{navigation}</div></nav>\n'
        "</main>\n</div>\n</body>\n</html>\n"
    )
