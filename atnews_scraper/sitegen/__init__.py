"""Generate a small (or large synthetic) copy of the site in the Sahifa markup, as a snapshot."""

from atnews_scraper.sitegen.builders import default_site, synthetic_site
from atnews_scraper.sitegen.spec import (
    ArticleSpec,
    AuthorSpec,
    CategorySpec,
    LeadForm,
    SiteSpec,
    TagSpec,
)
from atnews_scraper.sitegen.write import write_site
from atnews_scraper.timestamps import KABUL

__all__ = [
    "KABUL",
    "ArticleSpec",
    "AuthorSpec",
    "CategorySpec",
    "LeadForm",
    "SiteSpec",
    "TagSpec",
    "default_site",
    "synthetic_site",
    "write_site",
]
