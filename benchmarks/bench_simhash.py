"""The body simhash (ingest/simhash.py) against trafilatura's `Simhash` (the peer), same run.

Bodies: every saved article page's expected body (fixtures/pages/*.expected.json), each once.
Printed for each of the two:
- whether it gives our stored values (the hashes in MongoDB; a switch means recomputing them);
- microseconds per body (best of REPEATS runs over all bodies) and the ratio peer / ours;
- near-duplicates it finds: each body with one word changed and a sentence added (as
  tests/test_ingest.py edits a story) within NEAR_DUPLICATE_BITS of the original;
- false flags: pairs of unrelated stories within NEAR_DUPLICATE_BITS, over the saved bodies and
  over STORIES stories of one small vocabulary (tooling/samples.story: one topic, other words).

Targets: ours at least as fast as the peer, and no false flag.

    python -m benchmarks.bench_simhash
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from pathlib import Path

from trafilatura.deduplication import Simhash

from atnews_scraper.ingest.simhash import NEAR_DUPLICATE_BITS, distance, simhash
from tooling.samples import story

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
REPEATS = 5
ROUNDS = 10
STORIES = 200
TARGET_RATIO = 1.0


def fixture_bodies() -> list[str]:
    bodies = (json.loads(path.read_text())["body"] for path in PAGES.glob("*.expected.json"))
    return sorted({body for body in bodies if body})


def edited(body: str) -> str:
    words = body.split()
    words[len(words) // 2] = "Herat"
    return " ".join(words) + " One more sentence."


def trafilatura_simhash(text: str) -> int:
    return Simhash(text).hash


def seconds_per_body(hash_of: Callable[[str], int], bodies: list[str]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        for _ in range(ROUNDS):
            for body in bodies:
                hash_of(body)
        best = min(best, time.perf_counter() - started)
    return best / (ROUNDS * len(bodies))


def false_flags(hashes: list[int]) -> int:
    pairs = itertools.combinations(hashes, 2)
    return sum(distance(a, b) <= NEAR_DUPLICATE_BITS for a, b in pairs)


def main() -> int:
    bodies = fixture_bodies()
    stories = [story(seed) for seed in range(STORIES)]
    story_pairs = STORIES * (STORIES - 1) // 2
    body_pairs = len(bodies) * (len(bodies) - 1) // 2
    stored = [simhash(body) for body in bodies]
    print(
        f"{len(bodies)} saved bodies, {STORIES} one-topic stories; near: <= {NEAR_DUPLICATE_BITS}"
    )
    timings = {}
    flags = {}
    for name, hash_of in (("atnews", simhash), ("trafilatura", trafilatura_simhash)):
        hashes = [hash_of(body) for body in bodies]
        same = sum(a == b for a, b in zip(hashes, stored, strict=True))
        found = sum(
            distance(hash_of(edited(body)), value) <= NEAR_DUPLICATE_BITS
            for body, value in zip(bodies, hashes, strict=True)
        )
        flags[name] = false_flags(hashes) + false_flags([hash_of(text) for text in stories])
        timings[name] = seconds_per_body(hash_of, bodies)
        print(
            f"{name:12} stored values {same}/{len(bodies)}, {timings[name] * 1e6:.0f} us/body, "
            f"edited bodies found {found}/{len(bodies)}, false flags {flags[name]} "
            f"of {body_pairs + story_pairs} unrelated pairs"
        )
    ratio = timings["trafilatura"] / timings["atnews"]
    print(f"speed, trafilatura / atnews: {ratio:.1f}x (target >= {TARGET_RATIO:.1f}x)")
    return 0 if ratio >= TARGET_RATIO and flags["atnews"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
