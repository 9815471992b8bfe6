"""One distributed crawl run in Redis: its keys, options, workers, leases and stats.

Every key of a run lives under ``atnews:{db}:{run_id}:``, and ``atnews:{db}:run`` names the
run in progress, so workers of one database share one run and a finished run (its keys expire
a day after) never filters the next. The frontier is scrapy-redis's priority queue (a sorted
set); a popped request is *leased*: kept in ``leases`` under its worker until the worker
acknowledges it (scheduler.py). A worker is alive while its ``alive:{worker}`` key is refreshed;
the leases of a worker whose key expired are put back in the queue, each once (a Lua script).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

import redis

from atnews_scraper.crawl.options import CrawlOptions
from atnews_scraper.errors import ConfigError

log = logging.getLogger(__name__)

# Bumped whenever the keys, the request encoding or the lease protocol change: a worker of
# another protocol must not join the run (it would misread the queue).
PROTOCOL = 1
ALIVE_TTL_MS = 10_000  # a worker silent this long is dead: its leases go back in the queue
FINISHED_RUN_TTL_S = 86_400  # a finished run's keys (stats, dupefilter) are kept a day

# Pop the best request and lease it to a worker, in one step.
POP_LEASED = """
local item = redis.call('ZPOPMIN', KEYS[1])
if #item == 0 then return false end
local id = tostring(redis.call('INCR', KEYS[4]))
redis.call('HSET', KEYS[2], id, item[1])
redis.call('HSET', KEYS[3], id, ARGV[1] .. ' ' .. item[2])
return {id, item[1]}
"""

# Put leases back in the queue (their worker is dead, or stopping); each lease is moved once:
# HDEL of the lease decides. ARGV[1]: the worker whose leases to move ('' = every dead worker),
# ARGV[2]: the alive-key prefix. Returns how many were moved.
REQUEUE_LEASES = """
local moved = 0
local owners = redis.call('HGETALL', KEYS[3])
for i = 1, #owners, 2 do
  local id, owner = owners[i], owners[i + 1]
  local worker, score = string.match(owner, '^(.*) ([^ ]+)$')
  local take
  if ARGV[1] == '' then
    take = redis.call('EXISTS', ARGV[2] .. worker) == 0
  else
    take = worker == ARGV[1]
  end
  if take then
    local data = redis.call('HGET', KEYS[2], id)
    redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    if data then
      redis.call('ZADD', KEYS[1], score, data)
      moved = moved + 1
    end
  end
end
if ARGV[1] == '' then
  local busy = redis.call('HGETALL', KEYS[4])
  for i = 1, #busy, 2 do
    if redis.call('EXISTS', ARGV[2] .. busy[i + 1]) == 0 then
      redis.call('HDEL', KEYS[4], busy[i])
      redis.call('DEL', ARGV[3] .. busy[i])  -- unqueued: the phase is claimed again
    end
  end
end
return moved
"""

# Acknowledge every lease of one worker (all its requests are done).
RELEASE_LEASES = """
local owners = redis.call('HGETALL', KEYS[2])
local n = 0
for i = 1, #owners, 2 do
  if string.match(owners[i + 1], '^(.*) [^ ]+$') == ARGV[1] then
    redis.call('HDEL', KEYS[1], owners[i])
    redis.call('HDEL', KEYS[2], owners[i])
    n = n + 1
  end
end
return n
"""

# Claim a discovery phase: only when the whole run is idle (nothing queued, leased or busy) and
# nobody claimed it before; the claimer is "busy" until it has queued the phase's requests.
CLAIM_PHASE = """
if redis.call('ZCARD', KEYS[1]) > 0 or redis.call('HLEN', KEYS[2]) > 0
   or redis.call('HLEN', KEYS[3]) > 0 then
  return 0
end
if redis.call('SET', KEYS[4], ARGV[2], 'NX') then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
  return 1
end
return -1
"""

# Queue a request: its fingerprint into the dupefilter and the request into the queue in one
# step (a worker killed between the two would leave a URL "seen" and never fetched), and the
# lease of the request it replaces (a retry, a redirect) released. ARGV: fingerprint ('' when
# the request is not filtered), score, request, lease ('' for none). Returns 1 when queued.
PUSH = """
if ARGV[4] ~= '' then
  redis.call('HDEL', KEYS[3], ARGV[4])
  redis.call('HDEL', KEYS[4], ARGV[4])
end
if ARGV[5] ~= '' then redis.call('SADD', KEYS[5], ARGV[5]) end
if ARGV[1] ~= '' and redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
"""

# Make a new run the database's current one, unless one is in progress: returns the current id.
JOIN_OR_CREATE = """
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
"""


def namespace(db_name: str) -> str:
    return f"atnews:{db_name}"


def new_run_id() -> str:
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}Z-{uuid.uuid4().hex[:6]}"


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass(frozen=True)
class RunOptions:
    """What every worker of a run crawls: the first worker's options, kept in Redis."""

    crawl: CrawlOptions
    rate: float  # site-wide requests per second, all workers together (0: no cap)

    def to_json(self) -> str:
        fields = asdict(self.crawl)
        fields["hosts"] = list(self.crawl.hosts)
        fields["sources"] = sorted(self.crawl.sources)
        fields["since"] = self.crawl.since.isoformat() if self.crawl.since else None
        for name in ("jobdir", "log_file", "feeds"):  # each worker's own
            fields.pop(name, None)
        return json.dumps({"crawl": fields, "rate": self.rate})

    @classmethod
    def from_json(cls, text: str, local: CrawlOptions) -> RunOptions:
        data = json.loads(text)
        fields = dict(data["crawl"])
        fields["hosts"] = tuple(fields["hosts"])
        fields["sources"] = frozenset(fields["sources"])
        fields["since"] = dt.date.fromisoformat(fields["since"]) if fields["since"] else None
        fields["scrapy_settings"] = tuple(
            (name, value) for name, value in fields.get("scrapy_settings", ())
        )
        return cls(crawl=replace(local, **fields), rate=float(data["rate"]))


class Run:
    """One run's keys and the atomic steps on them."""

    def __init__(self, client: redis.Redis, db_name: str, run_id: str) -> None:
        # redis-py types its replies as sync-or-async; this client is the synchronous one.
        self.client: Any = client
        self.db_name = db_name
        self.run_id = run_id
        self.prefix = f"{namespace(db_name)}:{run_id}:"
        self._pop = client.register_script(POP_LEASED)
        self._requeue = client.register_script(REQUEUE_LEASES)
        self._release = client.register_script(RELEASE_LEASES)
        self._claim = client.register_script(CLAIM_PHASE)
        self._push = client.register_script(PUSH)

    def key(self, name: str) -> str:
        return self.prefix + name

    @property
    def queue_key(self) -> str:
        return self.key("queue")

    @property
    def dupefilter_key(self) -> str:
        return self.key("dupefilter")

    # --- joining --------------------------------------------------------------------------

    @classmethod
    def join_or_create(
        cls, client: redis.Redis, db_name: str, options: RunOptions, run_id: str | None = None
    ) -> tuple[Run, RunOptions]:
        """The database's run in progress (its options win), or a new one with ``options``.
        A run of another protocol version is a configuration error (exit 2)."""
        if run_id is None:
            script = client.register_script(JOIN_OR_CREATE)
            run_id = _text(script(keys=[f"{namespace(db_name)}:run"], args=[new_run_id()]))
        run = cls(client, db_name, run_id)
        created = client.set(run.key("version"), str(PROTOCOL), nx=True)
        if created:
            client.set(run.key("options"), options.to_json())
            client.set(run.key("started_at"), dt.datetime.now(dt.UTC).isoformat())
        version = _text(client.get(run.key("version")))
        if version != str(PROTOCOL):
            raise ConfigError(
                f"run {run_id} in Redis was started by workers of protocol {version}, this "
                f"worker speaks protocol {PROTOCOL}: run the same atnews version on every "
                "worker (or let that run finish first)"
            )
        stored = client.get(run.key("options"))
        if stored is None:
            raise ConfigError(f"run {run_id} in Redis has no options: it was not made by atnews")
        return run, RunOptions.from_json(_text(stored), options.crawl)

    def started_at(self) -> dt.datetime:
        value = self.client.get(self.key("started_at"))
        return dt.datetime.fromisoformat(_text(value)) if value else dt.datetime.now(dt.UTC)

    # --- workers and leases ---------------------------------------------------------------

    def alive_prefix(self) -> str:
        return self.key("alive:")

    def beat(self, worker: str) -> None:
        self.client.set(self.alive_prefix() + worker, "1", px=ALIVE_TTL_MS)
        self.client.sadd(self.key("workers"), worker)

    def leave(self, worker: str) -> None:
        self.client.delete(self.alive_prefix() + worker)

    def live_workers(self) -> list[str]:
        names = [_text(name) for name in self.client.smembers(self.key("workers"))]
        return [name for name in names if self.client.exists(self.alive_prefix() + name)]

    def pop_leased(self, worker: str) -> tuple[str, bytes] | None:
        keys = [self.queue_key, self.key("leases"), self.key("owners"), self.key("lease_ids")]
        found = self._pop(keys=keys, args=[worker])
        if not found:
            return None
        return _text(found[0]), bytes(found[1])

    def push(
        self,
        data: bytes,
        score: float,
        fingerprint: str | None,
        lease: str | None,
        article: str | None = None,
    ) -> bool:
        """Queue an encoded request unless its fingerprint was seen; release ``lease``; mark
        ``article`` (its canonical URL) requested in the same step, so that no worker can see
        an article as requested whose request a killed worker never queued."""
        keys = [
            self.queue_key,
            self.dupefilter_key,
            self.key("leases"),
            self.key("owners"),
            self.key("scheduled"),
        ]
        args: list[Any] = [fingerprint or "", score, data, lease or "", article or ""]
        return bool(self._push(keys=keys, args=args))

    def ack(self, *lease_ids: str) -> None:
        if lease_ids:
            pipe = self.client.pipeline()
            pipe.hdel(self.key("leases"), *lease_ids)
            pipe.hdel(self.key("owners"), *lease_ids)
            pipe.execute()

    def _requeue_keys(self) -> list[str]:
        return [self.queue_key, self.key("leases"), self.key("owners"), self.key("busy")]

    def requeue_dead(self) -> int:
        """Leases of workers that stopped beating, back in the queue (each exactly once), and the
        discovery phases they claimed but never queued, free to be claimed again."""
        args = ["", self.alive_prefix(), self.key("phase:")]
        return int(self._requeue(keys=self._requeue_keys(), args=args))

    def requeue_own(self, worker: str) -> int:
        """This worker's leases back in the queue (it stops before finishing them)."""
        args = [worker, self.alive_prefix(), self.key("phase:")]
        return int(self._requeue(keys=self._requeue_keys(), args=args))

    def release_own(self, worker: str) -> int:
        return int(self._release(keys=[self.key("leases"), self.key("owners")], args=[worker]))

    def queued(self) -> int:
        return int(self.client.zcard(self.queue_key))

    def leased(self) -> int:
        return int(self.client.hlen(self.key("leases")))

    def is_drained(self) -> bool:
        """Nothing queued, leased or being queued: the run has no work left."""
        pipe = self.client.pipeline()
        pipe.zcard(self.queue_key)
        pipe.hlen(self.key("leases"))
        pipe.hlen(self.key("busy"))
        return not any(pipe.execute())

    # --- discovery phases and shared discoveries ------------------------------------------

    def claim_phase(self, phase: str, worker: str) -> int:
        """1: claimed (call ``phase_queued`` after queueing its requests); 0: the run is busy,
        try later; -1: another worker claimed it."""
        keys = [self.queue_key, self.key("leases"), self.key("busy"), self.key(f"phase:{phase}")]
        return int(self._claim(keys=keys, args=[phase, worker]))

    def phase_queued(self, phase: str) -> None:
        self.client.hdel(self.key("busy"), phase)

    def phase_claimed(self, phase: str) -> bool:
        return bool(self.client.exists(self.key(f"phase:{phase}")))

    def set_text(self, name: str, value: str) -> None:
        self.client.set(self.key(name), value)

    def text(self, name: str) -> str | None:
        value = self.client.get(self.key(name))
        return None if value is None else _text(value)

    def mark_scheduled(self, *urls: str) -> None:
        if urls:
            self.client.sadd(self.key("scheduled"), *urls)

    def is_scheduled(self, url: str) -> bool:
        return bool(self.client.sismember(self.key("scheduled"), url))

    def add_categories(self, urls: list[str]) -> None:
        if urls:
            self.client.sadd(self.key("categories"), *urls)

    def categories(self) -> list[str]:
        return sorted(_text(url) for url in self.client.smembers(self.key("categories")))

    # --- stats and the end ----------------------------------------------------------------

    def record_stats(self, worker: str, stats: Mapping[str, Any], facts: Mapping[str, Any]) -> None:
        doc = {"stats": _jsonable(stats), "facts": facts}
        self.client.hset(self.key("stats"), worker, json.dumps(doc))

    def worker_stats(self) -> dict[str, dict[str, Any]]:
        return {
            _text(worker): json.loads(doc)
            for worker, doc in self.client.hgetall(self.key("stats")).items()
        }

    def claim_summary(self) -> bool:
        """True for the one caller that writes the run's summary."""
        return bool(self.client.set(self.key("summarised"), "1", nx=True))

    def close(self) -> None:
        """The run is over: the database's next run starts afresh; these keys expire."""
        pointer = f"{namespace(self.db_name)}:run"
        if _text(self.client.get(pointer) or b"") == self.run_id:
            self.client.delete(pointer)
        for key in self.client.scan_iter(match=self.prefix.replace("*", r"\*") + "*", count=500):
            self.client.expire(key, FINISHED_RUN_TTL_S)


def merge_stats(per_worker: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One run's stats from its workers': counts added up, the worst finish reason kept."""
    merged: dict[str, Any] = {}
    reasons: list[str] = []
    for stats in per_worker.values():
        for key, value in stats.items():
            if key == "finish_reason":
                reasons.append(str(value))
            elif isinstance(value, bool) or key == "atnews/crawl_delay":
                merged[key] = merged.get(key) or value
            elif isinstance(value, int | float):
                current = merged.get(key)
                merged[key] = value + (current if isinstance(current, int | float) else 0)
            elif key not in merged:
                merged[key] = value
    merged["finish_reason"] = next((r for r in reasons if r != "finished"), "finished")
    return merged


def _jsonable(stats: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, dt.datetime | dt.date) else value
        for key, value in stats.items()
        if isinstance(value, str | int | float | bool | dt.datetime | dt.date | None)
    }


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
