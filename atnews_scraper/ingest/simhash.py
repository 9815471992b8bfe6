"""A 64-bit similarity hash (Charikar's simhash) of an article body, for near-duplicate flags.

Two bodies are near-duplicates when their hashes differ in at most NEAR_DUPLICATE_BITS bits.
Three bits of 64 is the threshold Manku, Jain and Das Sarma (WWW 2007) found right for web
pages; on news text it catches a re-run editorial with a changed sentence or two, and never
two different stories on the same topic (docs/storage.md).

Ours, not trafilatura's `Simhash`: that one hashes single words, so unrelated stories in one
vocabulary come out within 3 bits (697 of 19,900 pairs in benchmarks/bench_simhash.py, ours 0);
it is 4x slower, and it would change every stored value.
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
# In ASCII text a word (\w+) is a run of letters, digits and "_": every other byte splits.
_ASCII_SEPARATORS = bytes(
    c if chr(c).isascii() and (chr(c).isalnum() or c == ord("_")) else ord(" ") for c in range(256)
)
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
MAX_CACHED_WORDS = 200_000
_WORD_HASHES: dict[bytes, int] = {}  # UTF-8 word -> its hash


def words_utf8(text: str) -> list[bytes]:
    """The words (\\w+) of the lower-cased text, each UTF-8 encoded, in order."""
    if text.isascii():  # the common case, at C speed: bytes.translate and split
        return text.encode("ascii").lower().translate(_ASCII_SEPARATORS).split()
    return [word.encode() for word in _WORD.findall(text.lower())]


def word_ids(text: str) -> np.ndarray:
    """A stable 64-bit hash per word of the text (lower-cased), in order."""
    words = words_utf8(text)
    known = _WORD_HASHES
    for word in set(words).difference(known):
        known[word] = word_hash(word)
    values = np.fromiter(map(known.__getitem__, words), dtype=np.uint64, count=len(words))
    if len(known) > MAX_CACHED_WORDS:
        known.clear()  # a bound on memory: an unusual vocabulary does not grow it forever
    return values


def word_hash(word: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(), "big") or 1


def shingle_hashes(text: str) -> np.ndarray:
    """One 64-bit hash per run of SHINGLE_WORDS words (one for a shorter text, none if empty).

    Word hashes are combined with odd multipliers and mixed with the splitmix64 finaliser, in
    numpy: stable across runs and machines, and fast enough for every stored article.
    """
    ids = word_ids(text)
    if len(ids) == 0:
        return ids
    runs = max(len(ids) - SHINGLE_WORDS + 1, 1)
    with np.errstate(over="ignore"):
        combined = np.zeros(runs, dtype=np.uint64)
        for offset in range(min(SHINGLE_WORDS, len(ids))):
            combined = combined * _MULTIPLIER + ids[offset : offset + runs]
        return _mix(combined)


def _mix(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def simhash(text: str) -> int:
    """The 64-bit simhash of a text's word shingles; 0 for a text without words."""
    hashes = shingle_hashes(text)
    if len(hashes) == 0:
        return 0
    # One row of 64 bits per shingle, bit i of the hash in column i (little-endian order).
    bits = np.unpackbits(
        hashes.astype("<u8", copy=False).view(np.uint8), bitorder="little"
    ).reshape(-1, BITS)
    ones = np.add.reduce(bits, axis=0, dtype=np.uint32)
    # A bit is set when more than half of the shingles set it.
    majority = ones.astype(np.int64) * 2 > len(hashes)
    return int.from_bytes(np.packbits(majority, bitorder="little").tobytes(), "little")


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
