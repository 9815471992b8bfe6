"""Write a ``SiteSpec`` as a snapshot directory the replay server can serve."""

from __future__ import annotations

import shutil
from pathlib import Path

from atnews_scraper.replay.snapshot import (
    HTML,
    MANIFEST_NAME,
    RSS,
    TEXT,
    XML,
    SnapshotError,
    SnapshotWriter,
)
from tooling.sitegen.render_html import (
    page_count,
    render_article,
    render_listing_page,
    render_not_found,
    site_listings,
)
from tooling.sitegen.render_legacy import render_legacy_article
from tooling.sitegen.render_xml import render_robots, site_feeds, site_sitemaps
from tooling.sitegen.spec import SiteSpec


def write_site(spec: SiteSpec, out_dir: str | Path, compress: bool = False) -> Path:
    """Render every page of the site into ``out_dir`` (replacing an earlier snapshot there).

    Returns the snapshot directory. ``compress`` stores the files gzip-compressed.
    """
    root = Path(out_dir)
    _clear(root)
    root.mkdir(parents=True, exist_ok=True)
    writer = SnapshotWriter(root, spec.site_url)
    newest = spec.newest_modified
    for article in spec.articles:
        render = render_legacy_article if article.theme == "legacy" else render_article
        writer.add(article.path, render(spec, article), HTML, article.modified, compress=compress)
        writer.add_redirect(f"/?p={article.post_id}", article.path)
    for listing in site_listings(spec):
        changed = max((a.modified for a in listing.articles), default=newest)
        for number in range(1, page_count(len(listing.articles), spec.posts_per_page) + 1):
            page = render_listing_page(spec, listing, number)
            writer.add(listing.page_path(number), page, HTML, changed, compress=compress)
    for path, feed in site_feeds(spec):
        writer.add(path, feed, RSS, newest, compress=compress)
    for path, sitemap in site_sitemaps(spec):
        writer.add(path, sitemap, XML, newest, compress=compress)
    writer.add("/robots.txt", render_robots(), TEXT, newest)
    writer.add_not_found(render_not_found(spec))
    writer.write()
    return root


def _clear(root: Path) -> None:
    """Remove an earlier snapshot; refuse to touch a directory that is something else."""
    if not root.exists():
        return
    if not root.is_dir():
        raise SnapshotError(f"{root} is a file: give a directory for the snapshot")
    if any(root.iterdir()) and not (root / MANIFEST_NAME).is_file():
        raise SnapshotError(
            f"{root} is not empty and holds no snapshot: give an empty or new directory"
        )
    for child in root.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
