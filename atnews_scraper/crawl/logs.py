"""Logging of a crawl: a rotating log file with everything, and the terminal with little."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import sys
from pathlib import Path
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

LOG_FORMAT = "%(asctime)s %(levelname)s [%(name)s] %(message)s"
MAX_LOG_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5


def short_item(item: Any) -> str:
    """An ArticlePage as its URL, not its whole HTML."""
    record = getattr(item, "record", None)
    url = record.get("url") if isinstance(record, dict) else None
    return f"<article {url}>" if url else f"<{type(item).__name__}>"


class ShortItemLogFormatter(LogFormatter):
    """Scrapy's messages with items shown by URL (the default prints every page's bytes)."""

    def scraped(self, item: Any, response: Any, spider: Any) -> LogFormatterResult:
        result = super().scraped(item, response, spider)
        return {**result, "args": {**result["args"], "item": short_item(item)}}  # type: ignore[dict-item]

    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        return {**result, "args": {**result["args"], "item": short_item(item)}}  # type: ignore[dict-item]

    def item_error(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> LogFormatterResult:
        result = super().item_error(item, exception, response, spider)
        return {**result, "args": {**result["args"], "item": short_item(item)}}  # type: ignore[dict-item]


class LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file. When the disk refuses it (full), it says so once on stderr, in
    one line, and stops: never a "Logging error" traceback per record (issue 11)."""

    broken = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.broken:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)
            return
        self.broken = True
        print(
            f"atnews: cannot write the log file {self.baseFilename} ({error.strerror}); "
            "it stops here",
            file=sys.stderr,
        )

    def flush(self) -> None:
        with contextlib.suppress(OSError):
            super().flush()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            super().close()


class _OwnInfo(logging.Filter):
    """On the terminal: progress lines, and warnings from anyone."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name == "atnews.progress"


def setup_logging(log_file: Path, terminal: logging.Handler | None) -> logging.Handler:
    """Send every INFO+ record to a rotating file and the chosen ones to the terminal handler.

    Returns the file handler (the caller removes it when the run ends)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    file_handler = LogFile(
        log_file, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    file_handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(file_handler)
    if terminal is not None:
        terminal.addFilter(_OwnInfo())
        root.addHandler(terminal)
    return file_handler
