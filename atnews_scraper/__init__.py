"""atnews: crawler and ingestion pipeline for Afghanistan Times (www.afghanistantimes.af)."""

__version__ = "0.1.0"
