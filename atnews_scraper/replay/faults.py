"""Fault injection for the replay server: which request fails, and how.

A fault rule names a kind, optional settings and the URLs it applies to::

    503,retry-after=5@/feed/          status 503 with Retry-After: 5 for /feed/
    500,times=2@/category/*           the first 2 requests of each matching URL get 500
    429@re:^/tag/                     a regular expression instead of a glob
    slow=1.5@*                        every response delayed by 1.5 seconds
    drop@/some-article/               connection closed without an answer
    truncate@/wp-sitemap.xml          Content-Length promises more than is sent
    loop@/old/                        302 to /old/?redirect-loop=1, which redirects back

Patterns match the URL path; a pattern containing ``?`` matches path and query. Besides rules, a
plan can fail a share (``rate``) of all requests at random. The draw depends only on the seed, the
URL and how many times that URL was asked for before, never on the order in which concurrent
requests arrive, so a seeded run fails the same requests every time, and a retried request gets
a fresh draw.
"""

from __future__ import annotations

import fnmatch
import random
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from atnews_scraper.errors import AtnewsError


class FaultKind(StrEnum):
    STATUS = "status"  # an error status, optionally with Retry-After
    SLOW = "slow"  # the normal answer, after a delay
    DROP = "drop"  # close the connection without answering
    TRUNCATE = "truncate"  # the normal headers, then only half of the body
    LOOP = "loop"  # a redirect loop between two URLs


class FaultSpecError(AtnewsError):
    """A --fault spec that cannot be parsed."""


FAULT_SPEC_HELP = (
    "KIND[,retry-after=S][,times=N][@PATTERN] where KIND is an HTTP status (500, 503, 429 ...), "
    "slow=SECONDS, drop, truncate or loop; PATTERN is a glob on the path (default *) or re:REGEX"
)


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    pattern: str = "*"
    status: int = 503
    retry_after: int | None = None
    delay: float = 0.0
    times: int | None = None  # only the first N requests of each matching URL fail

    def matches(self, key: str) -> bool:
        """Does the rule apply to this manifest-style key (path plus ``?query``)?"""
        if self.pattern.startswith("re:"):
            return re.search(self.pattern[3:], key) is not None
        subject = key if "?" in self.pattern else key.partition("?")[0]
        return fnmatch.fnmatchcase(subject, self.pattern)

    def describe(self) -> str:
        if self.kind is FaultKind.STATUS:
            return str(self.status)
        if self.kind is FaultKind.SLOW:
            return f"slow={self.delay:g}"
        return self.kind.value

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """A rule from its command-line form (see the module docstring)."""
        head, _, pattern = spec.strip().partition("@")
        pattern = pattern or "*"
        if pattern.startswith("re:"):
            try:
                re.compile(pattern[3:])
            except re.error as exc:
                raise FaultSpecError(f"fault {spec!r}: bad regular expression ({exc})") from exc
        kind_text, *options = [part.strip() for part in head.split(",")]
        name, _, value = kind_text.partition("=")
        status, delay, retry_after, times = 503, 0.0, None, None
        try:
            if name.isdigit() and len(name) == 3:
                kind, status = FaultKind.STATUS, int(name)
            elif name == "slow":
                kind, delay = FaultKind.SLOW, float(value or 1.0)
            elif name in (FaultKind.DROP, FaultKind.TRUNCATE, FaultKind.LOOP):
                kind = FaultKind(name)
            else:
                raise ValueError(name)
            for option in options:
                key, _, raw = option.partition("=")
                if key == "retry-after":
                    retry_after = int(raw)
                elif key == "times":
                    times = int(raw)
                elif key == "delay":
                    delay = float(raw)
                else:
                    raise ValueError(option)
        except ValueError as exc:
            raise FaultSpecError(f"fault {spec!r} not understood: use {FAULT_SPEC_HELP}") from exc
        return cls(kind, pattern, status, retry_after, delay, times)


# What a random fault can be when a plan has a rate.
DEFAULT_RANDOM_FAULTS: tuple[Fault, ...] = (
    Fault(FaultKind.STATUS, status=500),
    Fault(FaultKind.STATUS, status=503, retry_after=1),
    Fault(FaultKind.STATUS, status=429, retry_after=1),
    Fault(FaultKind.DROP),
    Fault(FaultKind.TRUNCATE),
)


@dataclass(frozen=True)
class FaultPlan:
    rules: tuple[Fault, ...] = ()
    rate: float = 0.0  # share of requests that get a random fault, 0..1
    seed: int = 0
    random_faults: tuple[Fault, ...] = DEFAULT_RANDOM_FAULTS

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise FaultSpecError(f"fault rate {self.rate} is outside 0..1: give a share like 0.1")

    @classmethod
    def build(
        cls,
        specs: Sequence[Fault | str] = (),
        rate: float = 0.0,
        seed: int = 0,
        random_faults: Sequence[Fault | str] = (),
    ) -> FaultPlan:
        """A plan from specs; ``random_faults`` (patterns ignored) replaces the default mix."""
        rules = _parsed(specs)
        kinds = _parsed(random_faults) or DEFAULT_RANDOM_FAULTS
        return cls(rules=rules, rate=rate, seed=seed, random_faults=kinds)


def _parsed(specs: Sequence[Fault | str]) -> tuple[Fault, ...]:
    return tuple(spec if isinstance(spec, Fault) else Fault.parse(spec) for spec in specs)


FaultsArg = FaultPlan | Sequence[Fault | str] | None


def as_plan(faults: FaultsArg) -> FaultPlan:
    if faults is None:
        return FaultPlan()
    if isinstance(faults, FaultPlan):
        return faults
    return FaultPlan.build(faults)


@dataclass
class FaultInjector:
    """Decides, request by request, which fault (if any) applies. Thread-safe."""

    plan: FaultPlan = field(default_factory=FaultPlan)
    _seen: dict[str, int] = field(default_factory=dict)  # requests per key so far
    _matched: dict[tuple[int, str], int] = field(default_factory=dict)  # per (rule, key)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def choose(self, key: str) -> Fault | None:
        with self._lock:
            attempt = self._seen.get(key, 0)
            self._seen[key] = attempt + 1
            for index, rule in enumerate(self.plan.rules):
                if not rule.matches(key):
                    continue
                count = self._matched.get((index, key), 0)
                self._matched[(index, key)] = count + 1
                if rule.times is None or count < rule.times:
                    return rule
            if self.plan.rate > 0 and self.plan.random_faults:
                draw = random.Random(f"{self.plan.seed}|{key}|{attempt}")
                if draw.random() < self.plan.rate:
                    return draw.choice(self.plan.random_faults)
        return None
