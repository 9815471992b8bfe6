"""The crawl: discovery parsers, Scrapy glue, run state, the lock and the run summary.

The spider itself lives in ``spiders/atnews.py``; `atnews crawl` (commands/crawl.py) drives
``runner.run_crawl``.
"""
