"""Deterministic sites: the small default site, large synthetic ones, and derived versions."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from atnews_scraper.timestamps import KABUL
from tooling.sitegen import corpus
from tooling.sitegen.spec import (
    ArticleSpec,
    AuthorSpec,
    CategorySpec,
    SiteSpec,
    TagSpec,
)

CATEGORIES = (
    CategorySpec("latest", "Latest"),
    CategorySpec("nation", "Nation"),
    CategorySpec("opinions", "Opinions"),
    CategorySpec("editorial", "Editorial"),
)
AUTHORS = (
    AuthorSpec("admin", "admin"),
    AuthorSpec("at-news", "AT News"),
    AuthorSpec("editor", "Editor"),
)
# Which section each generated article goes to, in turn: most news is in Latest, half of it in
# Nation as well; opinion pieces and editorials stand apart.
SECTION_CYCLE: tuple[tuple[str, ...], ...] = (
    ("latest",),
    ("latest", "nation"),
    ("opinions",),
    ("latest", "nation"),
    ("latest",),
    ("editorial",),
    ("latest", "nation"),
    ("opinions",),
    ("latest", "nation"),
    ("opinions",),
)
NEWS_LEAD_FORMS = (
    "at-news-paragraph",
    "at-news-place",
    "at-place",
    "at-dash-place",
    "at-news-report",
    "monitoring-desk",
    "place-upper",
    "place",
)
OPINION_LEAD_FORMS = ("by-writer-place", "by-writer-paragraph")
DEFAULT_SEED = 2022
EDITORIAL_ENDINGS = ("deserves attention", "cannot wait", "calls for a clear answer")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Saturday", "Sunday")
DEFAULT_GENERATED = 38  # plus the two real articles of the seed text


def slugify(title: str) -> str:
    """WordPress-style slug: lower case, accents and punctuation dropped, words joined by '-'."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    text = re.sub(r"[^\w\s-]", "", text.lower())
    return re.sub(r"[\s_-]+", "-", text).strip("-")


def default_site() -> SiteSpec:
    """The small site committed as fixtures/site: 40 articles, 4 categories, 2022-2024."""
    rng = random.Random(DEFAULT_SEED)
    start = dt.datetime(2022, 1, 10, 9, 0, tzinfo=KABUL)
    end = dt.datetime(2024, 11, 30, 18, 0, tzinfo=KABUL)
    generated = list(_generate(rng, DEFAULT_GENERATED, start, end))
    iran = ArticleSpec(
        slug=slugify(corpus.IRAN_MINING_TITLE),
        post_id=0,
        title=corpus.IRAN_MINING_TITLE,
        paragraphs=(corpus.IRAN_MINING_FIRST, *_paragraphs(rng, 3)),
        published=dt.datetime(2022, 9, 14, 16, 5, tzinfo=KABUL),
        modified=dt.datetime(2022, 9, 14, 16, 5, tzinfo=KABUL),
        categories=("latest", "nation"),
        tags=("iran", "mining", "taliban"),
        lead_form="at-place",
        image="2022/09/ghor-iron-ore.jpg",
    )
    sco = ArticleSpec(
        slug=slugify(corpus.SCO_TITLE),
        post_id=0,
        title=corpus.SCO_TITLE,
        paragraphs=corpus.SCO_PARAGRAPHS,
        published=dt.datetime(2022, 9, 15, 10, 20, tzinfo=KABUL),
        modified=dt.datetime(2022, 9, 15, 10, 20, tzinfo=KABUL),
        categories=("latest",),
        tags=("sco", "china", "russia", "iran"),
        lead_form="at-news-paragraph",
        check_also=iran.slug,
        image="2022/09/sco-summit.jpg",
        share_top=True,
        views=1234,
    )
    return _site(_number([*generated, iran, sco], first_post_id=24100), DEFAULT_SEED)


def synthetic_site(n_articles: int, seed: int = 1, pages_dir: Path | None = None) -> SiteSpec:
    """A large site for benchmarks: ``n_articles`` varied articles over 2015-2024.

    With ``pages_dir`` (fixtures/pages), about half the paragraphs are taken from the reviewed
    expected records of the saved pages, so the text has the real pages' entities, quotes,
    scripts and lengths; the rest is composed from the corpus.
    """
    if n_articles < 1:
        raise ValueError(f"a synthetic site needs at least 1 article, not {n_articles}")
    rng = random.Random(seed)
    start = dt.datetime(2015, 1, 1, 8, 0, tzinfo=KABUL)
    end = dt.datetime(2024, 12, 31, 20, 0, tzinfo=KABUL)
    pool = paragraphs_from_pages(pages_dir) if pages_dir is not None else ()
    articles = _number(list(_generate(rng, n_articles, start, end, pool=pool)), first_post_id=1000)
    return _site(articles, seed)


def _site(articles: tuple[ArticleSpec, ...], seed: int) -> SiteSpec:
    """A site of these articles with the paper's categories, tags and authors."""
    return SiteSpec(
        articles=articles,
        categories=CATEGORIES,
        tags=tuple(TagSpec(slug, name) for slug, name in corpus.TAGS),
        authors=AUTHORS,
        search_words=("kabul",),
        seed=seed,
    )


def paragraphs_from_pages(pages_dir: Path) -> tuple[str, ...]:
    """Body paragraphs of the saved pages' expected records, for synthetic text.

    Each body's first paragraph is left out (it opens with that article's dateline), and so are
    paragraphs under 12 words (bylines, captions, one-line quotes).
    """
    records = sorted(Path(pages_dir).glob("*.expected.json"))
    if not records:
        raise FileNotFoundError(f"no *.expected.json records in {pages_dir}")
    paragraphs: list[str] = []
    for record in records:
        body = json.loads(record.read_text(encoding="utf-8")).get("body") or ""
        paragraphs += [p for p in body.split("\n\n")[1:] if len(p.split()) >= 12]
    return tuple(paragraphs)


def new_articles(site: SiteSpec, count: int, seed: int) -> tuple[ArticleSpec, ...]:
    """``count`` articles published after every article of ``site``, with higher post IDs."""
    rng = random.Random(seed)
    start = site.newest_first[0].published + dt.timedelta(hours=2)
    end = start + dt.timedelta(days=count)
    taken = {a.slug for a in site.articles}
    fresh = list(_generate(rng, count, start, end, taken=taken, offset=len(site.articles)))
    first_id = max(a.post_id for a in site.articles) + 3
    return _number(fresh, first_post_id=first_id)


def changed_article(article: ArticleSpec, after: dt.datetime) -> ArticleSpec:
    """The article after an editor's update: one more paragraph, a later modified time."""
    when = max(after, article.modified) + dt.timedelta(days=1)
    update = f"Update ({when:%B} {when.day}): officials confirmed the figures given above."
    return replace(article, paragraphs=(*article.paragraphs, update), modified=when)


# -- generation -----------------------------------------------------------------------------------


def _number(articles: list[ArticleSpec], first_post_id: int) -> tuple[ArticleSpec, ...]:
    """Post IDs in publication order (WordPress numbers posts as they are created)."""
    ordered = sorted(articles, key=lambda a: a.published)
    rng = random.Random(first_post_id)
    numbered = []
    post_id = first_post_id
    for article in ordered:
        numbered.append(replace(article, post_id=post_id))
        post_id += rng.randint(1, 9)  # other post types and drafts take IDs in between
    return tuple(numbered)


def _dates(
    rng: random.Random, count: int, start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    span = (end - start).total_seconds()
    moments = [start + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(count)]
    # The newsroom publishes between 07:00 and 20:59 Kabul time.
    return sorted(m.replace(hour=7 + m.hour % 14, second=0, microsecond=0) for m in moments)


def _generate(
    rng: random.Random,
    count: int,
    start: dt.datetime,
    end: dt.datetime,
    taken: set[str] | None = None,
    offset: int = 0,
    pool: Sequence[str] = (),
) -> Iterable[ArticleSpec]:
    taken = set() if taken is None else taken
    made: list[ArticleSpec] = []
    for index, published in enumerate(_dates(rng, count, start, end), start=offset):
        sections = SECTION_CYCLE[index % len(SECTION_CYCLE)]
        article = _article(rng, index, sections, published, made, taken, pool)
        taken.add(article.slug)
        made.append(article)
    return made


def _article(
    rng: random.Random,
    index: int,
    sections: tuple[str, ...],
    published: dt.datetime,
    earlier: list[ArticleSpec],
    taken: set[str],
    pool: Sequence[str],
) -> ArticleSpec:
    kind = sections[0]
    place = corpus.PLACES[0] if rng.random() < 0.6 else rng.choice(corpus.PLACES)
    writer = None
    if kind == "opinions":
        writer = rng.choice(corpus.WRITERS)
        opener = rng.choice(corpus.OPINION_OPENERS).rstrip(".")
        title = f"{rng.choice(corpus.TOPICS).capitalize()}: {opener}"
        lead_form = rng.choice(OPINION_LEAD_FORMS)
        paragraphs = (
            rng.choice(corpus.OPINION_OPENERS),
            *_paragraphs(rng, rng.randint(4, 9), pool),
        )
    elif kind == "editorial":
        title = rng.choice(corpus.EDITORIAL_PREFIXES) + rng.choice(corpus.TOPICS).capitalize()
        title += f" {rng.choice(EDITORIAL_ENDINGS)}"
        lead_form = "none"
        paragraphs = _paragraphs(rng, rng.randint(4, 8), pool)
    else:
        title = (
            f"{rng.choice(corpus.ACTORS)} {rng.choice(corpus.VERBS)} {rng.choice(corpus.TOPICS)}"
        )
        if place != "Kabul":
            title += f" in {place}"
        lead_form = NEWS_LEAD_FORMS[index % len(NEWS_LEAD_FORMS)]
        paragraphs = _paragraphs(rng, rng.randint(1, 7), pool)
    if rng.random() < 0.1:
        paragraphs = (*paragraphs, f"One elder in {place} said: {corpus.DARI_QUOTE}")
    slug = slugify(title)
    suffix = 2
    while slug in taken:
        slug, suffix = f"{slugify(title)}-{suffix}", suffix + 1
    modified = published
    if rng.random() < 0.3:
        modified = published + dt.timedelta(hours=rng.randint(1, 24 * 20))
    same_section = [a for a in earlier if a.categories[0] == kind]
    check_also = rng.choice(same_section).slug if same_section and rng.random() < 0.85 else None
    related: tuple[str, ...] = ()
    if len(same_section) >= 3 and rng.random() < 0.5:
        related = tuple(a.slug for a in rng.sample(same_section, 3))
    tags = tuple(sorted(rng.sample([slug for slug, _ in corpus.TAGS], rng.randint(0, 3))))
    return ArticleSpec(
        slug=slug,
        post_id=0,
        title=title,
        paragraphs=paragraphs,
        published=published,
        modified=modified,
        categories=sections,
        tags=tags,
        author="admin" if rng.random() < 0.8 else rng.choice(("at-news", "editor")),
        lead_form=lead_form,
        place=place,
        writer=writer,
        check_also=check_also,
        related=related,
        image=f"{published:%Y/%m}/{slug[:40]}.jpg" if rng.random() < 0.8 else None,
        meta_line=rng.random() < 0.8,
        share_top=rng.random() < 0.3,
        updated_span=rng.random() < 0.4,
        og_tags=rng.random() < 0.5,
        yoast=rng.random() < 0.3,
        ad_in_body=rng.random() < 0.3,
        views=rng.randint(40, 9000),
    )


def _paragraphs(rng: random.Random, count: int, pool: Sequence[str] = ()) -> tuple[str, ...]:
    paragraphs = []
    for _ in range(count):
        if pool and rng.random() < 0.5:
            paragraphs.append(rng.choice(pool))
            continue
        opening = (
            f"{rng.choice(corpus.ACTORS)} {rng.choice(corpus.VERBS)} {rng.choice(corpus.TOPICS)} "
            f"in {rng.choice(corpus.PLACES)} on {rng.choice(WEEKDAYS)}."
        )
        remarks = rng.sample(corpus.REMARKS, rng.randint(1, 3))
        paragraphs.append(" ".join([opening, *remarks]))
    return tuple(paragraphs)
