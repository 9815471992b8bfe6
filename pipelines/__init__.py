"""Scrapy item pipelines: validate, dedupe and store article records."""
