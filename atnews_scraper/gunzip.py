"""Capped gunzip: gzip bytes inflated up to a size limit, so a gzip bomb is refused.

scrapy.utils.gz.gunzip does not fit: it hides a cut-off stream (the extractor flags one) and
signals the cap with a private exception class."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

GZIP_MAGIC = b"\x1f\x8b"


class GzipCorrupt(ValueError):
    """Not gzip data (zlib's reason in the message)."""


class GzipTooLarge(ValueError):
    """Gzip data that inflates past the cap."""


@dataclass(frozen=True)
class Gunzipped:
    data: bytes
    complete: bool  # False: the stream is cut off and data holds what it had


def gunzip_capped(data: bytes, max_bytes: int) -> Gunzipped:
    """The inflated bytes of the first gzip member, at most ``max_bytes`` of them."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise GzipCorrupt(str(exc)) from None
    if len(out) > max_bytes:
        raise GzipTooLarge(f"inflates past {max_bytes} bytes")
    return Gunzipped(out, inflater.eof)
