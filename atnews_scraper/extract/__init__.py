"""Article extraction: a pure function from page bytes (or text) and URL to an ArticleRecord.

No Scrapy, no database: the spider, `atnews reparse`, `atnews extract` and the fixture checks all
call `extract_article`. docs/extraction.md explains the design; docs/record-conventions.md is the
field-by-field contract.
"""

from atnews_scraper.extract.article import EXTRACTOR_VERSION, extract_article
from atnews_scraper.extract.html_page import ExtractionError

__all__ = ["EXTRACTOR_VERSION", "ExtractionError", "extract_article"]
