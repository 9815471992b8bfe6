"""A 64-bit similarity hash (Charikar's simhash) of an article body, for near-duplicate flags.

Two bodies are near-duplicates when their hashes differ in at most NEAR_DUPLICATE_BITS bits.
Three bits of 64 is the threshold Manku, Jain and Das Sarma (WWW 2007) found right for web
pages; on news text it catches a re-run editorial with a changed sentence or two, and never
two different stories on the same topic (docs/storage.md).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

BITS = 64
NEAR_DUPLICATE_BITS = 3
SHINGLE_WORDS = 3
# Pigeonhole: hashes within 3 bits agree exactly on at least one of 4 bands of 16 bits.
BANDS = NEAR_DUPLICATE_BITS + 1
BAND_BITS = BITS // BANDS

_WORD = re.compile(r"\w+", re.UNICODE)
_BIT_POSITIONS = np.arange(BITS, dtype=np.uint64)


def shingles(text: str) -> list[str]:
    """Overlapping runs of SHINGLE_WORDS lower-cased words (the whole text when shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) <= SHINGLE_WORDS:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)]


def simhash(text: str) -> int:
    """The 64-bit simhash of a text's word shingles; 0 for a text without words."""
    features = shingles(text)
    if not features:
        return 0
    hashes = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "big")
            for f in features
        ),
        dtype=np.uint64,
        count=len(features),
    )
    bits = (hashes[:, None] >> _BIT_POSITIONS) & np.uint64(1)
    ones = bits.sum(axis=0)
    # A bit is set when more than half of the features set it.
    set_bits = np.nonzero(ones * 2 > len(features))[0]
    return sum(1 << int(position) for position in set_bits)


def to_hex(value: int) -> str:
    return f"{value:016x}"


def from_hex(value: str) -> int:
    return int(value, 16)


def distance(a: int, b: int) -> int:
    """Hamming distance: how many of the 64 bits differ."""
    return (a ^ b).bit_count()


def is_near_duplicate(a: int, b: int) -> bool:
    return distance(a, b) <= NEAR_DUPLICATE_BITS


def bands(value: int) -> list[tuple[int, int]]:
    """(band number, band bits): two near-duplicates share at least one."""
    mask = (1 << BAND_BITS) - 1
    return [(band, (value >> (band * BAND_BITS)) & mask) for band in range(BANDS)]
