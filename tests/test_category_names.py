"""Category names by slug from pages the crawl has seen, for class-only categories."""

from __future__ import annotations

import asyncio

from scrapy.http import HtmlResponse, Request
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from atnews_scraper.crawl.category_names import category_names_in
from atnews_scraper.crawl.context import PageContext
from atnews_scraper.crawl.extraction import CrawlExtractor
from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.crawl.plan import CrawlPlan
from atnews_scraper.fixture_pages import FIXTURE_RULES, saved_pages
from atnews_scraper.spiders.atnews import AtnewsSpider

SITE = "https://www.afghanistantimes.af"
LISTING = (
    f'<html><body><ul id="menu"><li><a href="{SITE}/category/nation/">Nation</a></li>'
    f'<li><a href="/category/provinces/baghlan/"> Baghlan\n</a></li>'
    f'<li><a href="{SITE}/category/empty/"> </a></li><li><a href="{SITE}/about/">About</a></li>'
    "</ul></body></html>"
)


def test_category_names_in_a_page_are_its_category_links_by_slug() -> None:
    assert category_names_in(LISTING) == {"nation": "Nation", "baghlan": "Baghlan"}
    assert category_names_in(b"") == {}


def test_the_crawl_names_class_only_categories_from_listings_it_read() -> None:
    (page,) = saved_pages(names=["class-only-categories-pul-e-khumri"])
    extractor = CrawlExtractor(FIXTURE_RULES, workers=0)
    extractor.category_names.update(category_names_in(LISTING))
    record = asyncio.run(extractor.extract(page.html(), page.meta()["url"], None))
    assert record["categories"] == ["Nation", "Provinces", "Baghlan"]
    assert "category-slug" not in record["extraction"]["warnings"]


def test_the_spider_learns_category_names_from_the_listings_it_reads() -> None:
    crawler = get_crawler(AtnewsSpider)
    crawler.stats = MemoryStatsCollector(crawler)
    plan = CrawlPlan(CrawlOptions(site_url=SITE + "/"), {})
    spider = AtnewsSpider.from_crawler(crawler, plan=plan)
    response = HtmlResponse(SITE, body=LISTING.encode(), encoding="utf-8", request=Request(SITE))
    list(spider.parse_listing(response, PageContext(SITE + "/", "listing", "start", page=1)))
    assert spider.extractor.category_names == {"nation": "Nation", "baghlan": "Baghlan"}
