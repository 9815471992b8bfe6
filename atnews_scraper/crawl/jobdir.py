"""A --jobdir whose crawl finished starts the next crawl afresh.

Scrapy keeps a job's state in its JOBDIR so that an interrupted crawl resumes: the queue, the
fingerprints of the requests made (``requests.seen``) and the spider's state. Once the crawl has
finished, that state only gets in the way: the next run, in the same directory, would find the
sitemaps, feeds and home page "already seen" and make no request at all. So a crawl that
finishes leaves a mark, and a crawl that finds the mark clears the job's state before Scrapy
reads it (this extension is built before the scheduler and SpiderState open the job).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.utils.job import job_dir

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

FINISHED_MARK = "atnews-finished"
JOB_STATE = ("requests.seen", "requests.queue", "spider.state")  # what Scrapy keeps in a JOBDIR


class FinishedJobReset:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def install(cls, crawler: Crawler) -> Self | None:
        """With a JOBDIR: clear it if its crawl finished, and mark it when this one finishes."""
        directory = job_dir(crawler.settings)
        if not directory:
            return None
        extension = cls(Path(directory))
        extension.reset_if_finished()
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def reset_if_finished(self) -> None:
        mark = self.directory / FINISHED_MARK
        if not mark.exists():
            return  # a new job, or an interrupted one to resume
        for name in JOB_STATE:
            path = self.directory / name
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        mark.unlink()
        logger.info("job directory %s: the last crawl finished; starting afresh", self.directory)

    def closed(self, reason: str) -> None:
        if reason == "finished":
            (self.directory / FINISHED_MARK).touch()
