"""Scrapy spiders: they discover and fetch pages; extraction and storage happen elsewhere."""
