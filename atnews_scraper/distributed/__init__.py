"""Crawl with many workers sharing one Redis: one frontier, one dupefilter, one politeness
budget, leases so that nothing is lost when a worker dies (docs/distributed.md)."""
