"""Names for what went wrong with a request, used as ``atnews/errors/<kind>`` stats keys."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error

# Failures that say the host itself is out of reach (as opposed to one page failing).
UNREACHABLE_KINDS = frozenset({"dns", "connection_refused", "connection", "timeout"})
# Pages that are gone for good: counted, not retried on the next run.
GONE_STATUSES = frozenset({404, 410})


def status_kind(status: int) -> str:
    if status in (404, 410, 429):
        return f"http_{status}"
    return f"http_{status // 100}xx"


def error_kind(exc: BaseException) -> str:
    """A short stable name for a download failure."""
    if isinstance(exc, HttpError):
        return status_kind(exc.response.status)
    if isinstance(exc, CannotResolveHostError | tx_error.DNSLookupError):
        return "dns"
    if isinstance(exc, DownloadConnectionRefusedError | tx_error.ConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, DownloadTimeoutError | tx_error.TimeoutError | TimeoutError):
        return "timeout"
    if isinstance(exc, ResponseDataLossError):
        return "truncated"
    if isinstance(exc, DownloadCancelledError):
        return "too_large"
    if isinstance(exc, IgnoreRequest):
        return "redirect_loop" if "redirections" in str(exc) else "ignored"
    if isinstance(
        exc,
        DownloadFailedError | tx_error.ConnectError | tx_error.ConnectionLost | ConnectionError,
    ):
        return "connection"
    return type(exc).__name__.lower()


def describe(exc: BaseException) -> str:
    """One line for a person: the failure without its traceback."""
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    kind = error_kind(exc)
    readable = {
        "dns": "host name not found",
        "connection_refused": "connection refused",
        "timeout": "timed out",
        "truncated": "response cut short",
        "too_large": "page over the size limit",
    }.get(kind)
    if readable:
        return readable
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
