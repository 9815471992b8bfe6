"""extract_article on small pages written for one rule each (the saved pages in fixtures/pages
cover whole real-looking pages)."""

from __future__ import annotations

import json

import pytest

from atnews_scraper.extract import EXTRACTOR_VERSION, extract_article
from atnews_scraper.extract.article import strip_site_suffix
from atnews_scraper.extract.generic import reconcile_with_article_body
from atnews_scraper.urls import UrlRules

URL = "https://www.afghanistantimes.af/a-story/"


def sahifa(entry: str, *, head: str = "", meta: str = "", after: str = "") -> str:
    return f"""<html><head>{head}</head><body class="single postid-42">
<div id="crumbs"><a href="/">Home</a> <span class="delimiter">/</span>
<a href="/category/opinions/">Opinions</a> <span class="delimiter">/</span>
<span class="current">The title</span></div>
<article id="the-post" class="post-listing post-42"><div class="post-inner">
<h1 class="name post-title entry-title"><span itemprop="name">The title</span></h1>
<p class="post-meta">{meta}</p>
<div class="entry">{entry}</div></div></article>{after}</body></html>"""


def test_body_block_rules() -> None:
    entry = """
    <div class="share-post">Share</div>
    <p>Kabul: First line<br>second line.</p>
    <h2>A sub-heading</h2>
    <ul><li>One</li><li>Two <b>bold</b></li></ul>
    <table><tr><th>Province</th><th>Cases</th></tr><tr><td>Herat</td><td>12</td></tr></table>
    <blockquote><p>Quoted one.</p><p>Quoted two.</p></blockquote>
    <div class="e3lan e3lan-in-post1">Advertisement</div>
    <script>document.write("x")</script><style>p{}</style>
    <figure><img src="/wp-content/uploads/a.jpg"><figcaption>A caption</figcaption></figure>
    <p>Text&nbsp;with   spaces and &amp; entities.</p>
    <section id="related_posts"><div class="related-item">
      <h3><a href="/r/">Related</a></h3></div></section>
    <div class="page-link">Pages: 1 2</div><span class="edit-link">Edit</span>
    <p>   </p>
    """
    record = extract_article(sahifa(entry), URL)
    assert record["body"] == (
        "Kabul: First line\nsecond line.\n\nA sub-heading\n\nOne\n\nTwo bold\n\n"
        "Province | Cases\n\nHerat | 12\n\nQuoted one.\n\nQuoted two.\n\n"
        "Text with spaces and & entities."
    )
    assert record["related"] == [{"title": "Related", "url": "https://www.afghanistantimes.af/r/"}]
    assert record["word_count"] == 26


def test_images_prefer_lazy_sources_and_skip_noscript_copies_and_ads() -> None:
    entry = """
    <p><img src="data:image/gif;base64,R0lGOD" data-src="/wp-content/uploads/real.jpg">
    <noscript><img src="/wp-content/uploads/real.jpg"></noscript></p>
    <p><img data-lazy-src="https://afghanistantimes.af/wp-content/uploads/two.png" src="/blank.gif">
    <img src="/wp-content/uploads/real.jpg"></p>
    <div class="e3lan"><img src="/wp-content/uploads/ad.jpg"></div>
    <p>Text <img class="wp-smiley emoji" src="https://s.w.org/images/core/emoji/1f600.png">.
    <img src="https://pixel.example/t.gif" width="1" height="1"></p>
    """
    record = extract_article(sahifa(entry), URL)
    assert record["images"] == [
        "https://www.afghanistantimes.af/wp-content/uploads/real.jpg",
        "https://www.afghanistantimes.af/wp-content/uploads/two.png",
    ]


def test_opinion_by_line_author_and_house_wp_author() -> None:
    meta = '<span class="post-meta-author"><a href="/author/admin/">admin </a></span>'
    entry = "<p>By Jane Doe KABUL: The writer argues.</p><p>More.</p>"
    record = extract_article(sahifa(entry, meta=meta), URL)
    assert (record["authors"], record["wp_author"], record["byline"], record["dateline"]) == (
        ["Jane Doe"],
        "admin",
        None,
        "Kabul",
    )
    assert record["body"] == "KABUL: The writer argues.\n\nMore."


def test_wp_author_who_is_a_person_is_the_author() -> None:
    meta = '<span class="post-meta-author"><a href="/author/zh/">Zainab Hashimi</a></span>'
    record = extract_article(sahifa("<p>Text.</p>", meta=meta), URL)
    assert (record["authors"], record["wp_author"]) == (["Zainab Hashimi"], "Zainab Hashimi")
    assert record["extraction"]["sources"]["authors"] == "sahifa"


def test_yoast_graph_dates_and_sections_on_a_sahifa_page() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Article",
                "@id": URL + "#article",
                "headline": "The title (shortened by Yoast)",
                "datePublished": "2023-05-01T06:30:00+00:00",
                "dateModified": "2023-05-02T08:00:00+00:00",
                "author": {"@id": "https://www.afghanistantimes.af/#/schema/person/1"},
                "articleSection": ["Opinions"],
                "keywords": ["Water", "Kabul"],
            },
            {
                "@type": "Person",
                "@id": "https://www.afghanistantimes.af/#/schema/person/1",
                "name": "admin",
            },
            {"@type": "WebPage", "@id": URL, "url": URL},
        ],
    }
    head = (
        '<script type="application/ld+json" class="yoast-schema-graph">'
        + json.dumps(graph)
        + '</script><link rel="canonical" href="http://afghanistantimes.af/a-story">'
    )
    meta = '<span class="tie-date">May 1, 2023</span>'
    record = extract_article(sahifa("<p>Text.</p>", head=head, meta=meta), None)
    assert record["url"] == URL
    assert record["title"] == "The title"
    assert record["published_at"] == "2023-05-01T11:00:00+04:30"
    assert record["modified_at"] == "2023-05-02T12:30:00+04:30"
    assert record["date_precision"] == "datetime"
    assert (record["wp_author"], record["authors"]) == ("admin", [])
    assert (record["categories"], record["tags"]) == (["Opinions"], ["Water", "Kabul"])
    assert record["breadcrumbs"] == ["Home", "Opinions", "The title"]
    assert record["extraction"] == {
        "method": "sahifa",
        "sources": {
            "body": "sahifa",
            "breadcrumbs": "sahifa",
            "categories": "json-ld",
            "content_hash": "derived",
            "date_precision": "json-ld",
            "modified_at": "json-ld",
            "post_id": "sahifa",
            "published_at": "json-ld",
            "tags": "json-ld",
            "title": "sahifa",
            "url": "meta",
            "word_count": "derived",
            "wp_author": "json-ld",
        },
        "warnings": [],
        "version": EXTRACTOR_VERSION,
    }


OTHER_SITE = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Floods hit the valley | The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
<meta property="og:title" content="Floods hit the valley | The Daily Example">
<meta property="og:url" content="https://news.example.org/world/floods-hit-the-valley?utm_source=x">
<meta property="og:image" content="/img/floods.jpg">
<meta property="article:published_time" content="2024-03-05T09:00:00Z">
<meta property="article:section" content="World">
<meta property="article:tag" content="Floods"><meta property="article:tag" content="Weather">
<meta name="author" content="Sam Reporter">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<main><article><h1>Floods hit the valley</h1>
<p>Heavy rain has flooded dozens of villages in the valley, officials said on Tuesday, and
thousands of families have left their homes for higher ground.</p>
<p>Rescue teams used boats to reach people trapped on rooftops, and the army sent helicopters
with food and drinking water to the worst-hit districts.</p>
<p>The weather service said more rain was expected over the weekend and warned people living
near rivers to stay alert and follow the instructions of local authorities.</p>
</article></main>
<footer><p>Copyright The Daily Example. All rights reserved.</p></footer>
</body></html>"""


def test_generic_page_of_another_news_site() -> None:
    record = extract_article(OTHER_SITE, "https://news.example.org/world/floods-hit-the-valley")
    assert record["url"] == "https://news.example.org/world/floods-hit-the-valley"
    assert record["title"] == "Floods hit the valley"
    assert record["body"].split("\n\n")[0].startswith("Heavy rain has flooded dozens of villages")
    assert len(record["body"].split("\n\n")) == 3
    assert record["authors"] == ["Sam Reporter"]
    assert record["published_at"] == "2024-03-05T13:30:00+04:30"
    assert (record["categories"], record["tags"]) == (["World"], ["Floods", "Weather"])
    assert record["lead_image"] == {"url": "https://news.example.org/img/floods.jpg", "alt": None}
    assert record["language"] == "en"
    assert record["extraction"]["method"] == "generic"
    assert record["extraction"]["warnings"] == ["generic-fallback"]
    assert record["extraction"]["sources"]["body"] == "trafilatura"


def test_structured_method_when_json_ld_article_and_no_theme() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Floods hit the valley",
        "datePublished": "2024-03-05",
        "author": [
            {"@type": "Person", "name": "Sam Reporter"},
            {"@type": "Organization", "name": "Staff"},
        ],
    }
    html = OTHER_SITE.replace(
        "</head>", f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
    )
    record = extract_article(html, "https://news.example.org/world/floods-hit-the-valley")
    assert record["extraction"]["method"] == "structured"
    assert record["extraction"]["warnings"] == ["generic-fallback"]
    assert (record["published_at"], record["date_precision"]) == (
        "2024-03-05T00:00:00+04:30",
        "date",
    )
    assert (record["authors"], record["wp_author"]) == (["Sam Reporter"], "Sam Reporter")


def test_site_url_of_a_crawl_maps_to_the_primary_host() -> None:
    rules = UrlRules(site_url="http://127.0.0.1:8765/")
    html = sahifa(
        "<p>Text.</p>",
        after='<section id="check-also-box"><div class="check-also-post"><h2 class="post-title">'
        '<a href="/other-story/">Other story</a></h2><p>Excerpt ...</p></div></section>',
    )
    record = extract_article(html, "http://127.0.0.1:8765/a-story/", rules=rules)
    assert record["url"] == URL
    assert record["check_also"] == {
        "title": "Other story",
        "url": "https://www.afghanistantimes.af/other-story/",
        "excerpt": "Excerpt",
    }


def test_generic_title_is_the_displayed_heading_when_the_title_tag_adds_to_it() -> None:
    html = (
        "<html><head><title>Uncork the mystery | DW | 10.06.2013</title>"
        '<meta property="og:title" content="Uncork the mystery | DW | 10.06.2013"></head>'
        "<body><h1>Uncork the mystery</h1><p>Some text of the story about wine.</p></body></html>"
    )
    record = extract_article(html, "https://www.dw.com/en/uncork/a-1")
    assert (record["title"], record["extraction"]["sources"]["title"]) == (
        "Uncork the mystery",
        "og",
    )


def test_strip_site_suffix() -> None:
    assert strip_site_suffix("Title - Afghanistan Times") == "Title"
    assert strip_site_suffix("Title | Afghanistan Times") == "Title"
    assert strip_site_suffix("Editorial: A - B") == "Editorial: A - B"
    assert strip_site_suffix("Story – The Daily", "The Daily") == "Story"
    assert strip_site_suffix(None) is None


STORY = [
    "Heavy rain has flooded dozens of villages in the valley, officials said on Tuesday.",
    "Rescue teams used boats to reach people trapped on rooftops across the district.",
    "The weather service said more rain was expected over the weekend in the north.",
    "Aid groups asked for tents, blankets and clean drinking water for the families.",
]


def test_article_body_drops_what_the_publisher_did_not_write() -> None:
    found = [STORY[0], "Photo: villagers wade through water", STORY[1], "Read more: Floods"]
    found += STORY[2:]
    assert reconcile_with_article_body(found, " ".join(STORY)) == (STORY, False)


def test_article_body_teaser_is_not_used() -> None:
    teaser = " ".join(STORY[:1])
    found = [*STORY, "Subscribe to read more"]
    assert reconcile_with_article_body(found, teaser) == (found, False)


def test_article_body_replaces_a_body_trafilatura_missed() -> None:
    assert reconcile_with_article_body(["Share this story"], "\n".join(STORY)) == (STORY, True)


def test_html_article_body_of_a_structured_page() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "Floods",
        "articleBody": "".join(f"<p>{p}</p>" for p in STORY),
    }
    html = (
        f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>'
        "<body><h1>Floods</h1><div id='app'>Loading&hellip;</div></body></html>"
    )
    record = extract_article(html, "https://news.example.org/floods")
    assert record["body"] == "\n\n".join(STORY)
    assert record["extraction"]["sources"]["body"] == "json-ld"


def test_one_paragraph_story_on_a_plain_page_is_not_a_blob() -> None:
    text = (
        "The ministry says the highway will be closed in the pass between 8 am and 2 pm on "
        "Thursday for blasting work to widen the road."
    )
    html = (
        "<html><body><nav><p>Home | World | Sport | About the paper and its staff</p></nav>"
        "<article><h1>Highway to close for blasting work</h1>"
        "<div class='meta'>admin June 25, 2025 Latest 3,161 Views</div>"
        f"<div class='text'><p>{text}</p></div><div class='share'>Share Facebook Twitter</div>"
        "</article></body></html>"
    )
    record = extract_article(html, "https://news.example.org/highway")
    assert record["body"] == text


def test_theme_page_with_an_empty_body_never_takes_the_sidebar_text() -> None:
    sidebar = "<aside id='sidebar'>" + "<p>Most read: a long sidebar story line here.</p>" * 30
    html = sahifa("<div class='video'><iframe src='https://video.example/x'></iframe></div>")
    record = extract_article(html.replace("</body>", sidebar + "</aside></body>"), URL)
    assert (record["body"], record["title"]) == ("", "The title")
    assert record["extraction"]["warnings"] == ["empty-body", "generic-fallback", "no-date"]


HERALD_PARAGRAPHS = [
    "Officials in the province said on Monday that the new bridge over the river would open to "
    "traffic next month, cutting the journey to the capital by two hours.",
    "The bridge, built by a local company with money from the provincial budget, is 240 metres "
    "long and has two lanes for cars and a path for people on foot.",
    "Traders welcomed the news. “We lose fruit every summer because the old road is so slow,” "
    "said one, who sells apricots in the city market.",
    "Work on the bridge began three years ago but was delayed by floods and by a shortage of "
    "steel, the provincial engineer said.",
]
HERALD = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>New bridge to open next month - The Valley Herald</title>
<meta property="og:site_name" content="The Valley Herald"></head>
<body><header><nav><a href="/">Home</a><a href="/news">News</a></nav></header>
<main><article class="story"><h1 class="headline">New bridge to open next month</h1>
<div class="byline">By <a href="/staff/amina-rahimi">Amina Rahimi</a> |
<time datetime="2024-01-02T10:00:00Z">January 2, 2024</time></div>
<figure><img src="/img/bridge.jpg"><figcaption>The bridge being built. Photo: Herald</figcaption>
</figure><div class="story-body">{"".join(f"<p>{p}</p>" for p in HERALD_PARAGRAPHS[:2])}
<div class="newsletter"><p>Sign up for our newsletter to get the top stories every morning.</p>
<form><input type=email><button>Subscribe</button></form></div>
{"".join(f"<p>{p}</p>" for p in HERALD_PARAGRAPHS[2:])}
<p><strong>Also read:</strong> <a href="/news/floods">Floods damage roads in the north</a></p>
</div><div class="tags"><a href="/tag/bridges" rel="tag">Bridges</a>
<a href="/tag/roads" rel="tag">Roads</a></div></article>
<aside class="related"><h2>Related stories</h2><ul><li><a href="/a">Road tolls to rise in spring
after the council vote</a></li></ul></aside></main>
<footer><p>© 2024 The Valley Herald. All rights reserved.</p></footer></body></html>"""


def test_generic_page_without_structured_data() -> None:
    record = extract_article(HERALD, "https://valleyherald.example/news/new-bridge")
    assert record["title"] == "New bridge to open next month"
    assert record["body"] == "\n\n".join(HERALD_PARAGRAPHS)
    assert record["authors"] == ["Amina Rahimi"]
    assert (record["published_at"], record["date_precision"]) == (
        "2024-01-02T14:30:00+04:30",
        "datetime",
    )
    assert record["tags"] == ["Bridges", "Roads"]
    assert record["extraction"]["sources"]["published_at"] == "htmldate"


def test_news_site_metadata_names_people_and_times() -> None:
    head = (
        '<meta name="byl" content="By Jane Doe and John Roe">'
        '<meta name="author" content="The Daily Example">'
        '<meta name="article:author" content="https://www.facebook.com/dailyexample">'
        '<meta name="parsely-pub-date" content="2024-06-01T08:15:00Z">'
    )
    record = extract_article(HERALD.replace("</head>", head + "</head>"), "https://h.example/a")
    assert record["authors"] == ["Jane Doe", "John Roe"]
    assert record["extraction"]["sources"]["authors"] == "meta"
    assert (record["published_at"], record["extraction"]["sources"]["published_at"]) == (
        "2024-06-01T12:45:00+04:30",
        "meta",
    )


def test_links_that_are_not_web_addresses_are_dropped_never_a_traceback() -> None:
    after = (
        '<section id="related_posts"><div class="related-item"><h3><a href="javascript:void(0)">'
        'Bad</a></h3></div><div class="related-item"><h3><a href="http://[broken/">Broken</a>'
        '</h3></div><div class="related-item"><h3><a href="/good/">Good</a></h3></div></section>'
    )
    head = '<link rel="canonical" href="http://[bad"><meta property="og:url" content="mailto:x@y">'
    record = extract_article(sahifa("<p>Text.</p>", head=head, after=after), "http://[::1")
    assert record["url"] == ""
    assert record["related"] == [{"title": "Good", "url": "https://www.afghanistantimes.af/good/"}]
    assert record["extraction"]["warnings"] == ["no-date", "no-url"]


def test_a_trafilatura_crash_is_a_warning_not_a_lost_record(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import trafilatura

    def explode(*args: object, **kwargs: object) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setattr(trafilatura, "bare_extraction", explode)
    record = extract_article(OTHER_SITE, "https://news.example.org/world/floods-hit-the-valley")
    assert (record["title"], record["body"]) == ("Floods hit the valley", "")
    assert record["extraction"]["warnings"] == [
        "empty-body",
        "generic-fallback",
        "trafilatura-failed",
    ]


def test_printed_post_date_wins_over_the_headers_date_of_today() -> None:
    html = (
        "<html><body><header><span class='today-date'>Friday, November 27, 2026</span></header>"
        "<article><h1>Old story from the archive</h1><span class='posted-on'>"
        "<time class='entry-date published' datetime='2019-03-04T09:30:00+04:30'>March 4, 2019"
        "</time></span><p>An old story that is still on the site, with enough words to be one."
        "</p></article><aside><span class='date'>November 26, 2026</span></aside>"
        "<footer>© Copyright 2026</footer></body></html>"
    )
    record = extract_article(html, "https://news.example.org/old")
    assert (record["published_at"], record["extraction"]["sources"]["published_at"]) == (
        "2019-03-04T09:30:00+04:30",
        "wordpress",
    )
