"""Generate a small (or large synthetic) copy of the site in the Sahifa markup, as a snapshot."""

from atnews_scraper.timestamps import KABUL
from tooling.sitegen.builders import default_site, synthetic_site
from tooling.sitegen.spec import (
    ArticleSpec,
    AuthorSpec,
    CategorySpec,
    LeadForm,
    SiteSpec,
    TagSpec,
)
from tooling.sitegen.write import write_site

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
