"""A ledger in Redis, shared by many workers or LiteLLM proxy instances."""

from __future__ import annotations

import json
import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from hybridchain.core.cost.events import CostEvent, Route
from hybridchain.core.cost.ledger import (
    Ledger,
    LedgerTotals,
    SpentFromTotals,
    event_matches,
    summarize,
)
from hybridchain.errors import MissingExtraError

if TYPE_CHECKING:
    from redis import Redis

__all__ = ["LedgerFallbackWarning", "RedisLedger"]

logger = logging.getLogger("hybridchain.cost")

_T = TypeVar("_T")


class LedgerFallbackWarning(UserWarning):
    """Redis could not be reached: a ledger wrote to (or read from) its fallback ledger."""


_DAY = 86_400
_SEP = "\x1f"
_STATS = ("n", "in", "out", "cached", "cost")
_CHUNK = 500

_ROUTES = ("cloud", "local", "unknown")
_FIELDS = (
    "event_id", "timestamp", "model", "route", "provider", "input_tokens", "output_tokens",
    "cached_tokens", "estimated", "latency_s", "cost_usd", "priced", "tags", "metadata",
)  # fmt: skip

# For each event of the batch: store it only when its id is new and index it by time; sum
# the new events into the counters of their UTC day, one group of counters per (route,
# dimension), and add the sums once at the end. The script runs atomically, so the counters
# always agree with the stored events. ARGV per event: id, JSON, timestamp, day key index,
# day, input, output, cached, cost, number of groups, groups.
_RECORD = """
local ints, costs, days = {}, {}, {}
local i = 1
local added = 0
while i <= #ARGV do
  local n = tonumber(ARGV[i + 9])
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[i + 2], ARGV[i])
    local k = tonumber(ARGV[i + 3])
    days[ARGV[i + 4]] = true
    ints[k] = ints[k] or {}
    costs[k] = costs[k] or {}
    local t, c = ints[k], costs[k]
    local tin, tout, tc = tonumber(ARGV[i + 5]), tonumber(ARGV[i + 6]), tonumber(ARGV[i + 7])
    local cost = tonumber(ARGV[i + 8])
    for g = i + 10, i + 9 + n do
      local f = ARGV[g]
      t[f .. 'n'] = (t[f .. 'n'] or 0) + 1
      t[f .. 'in'] = (t[f .. 'in'] or 0) + tin
      t[f .. 'out'] = (t[f .. 'out'] or 0) + tout
      t[f .. 'cached'] = (t[f .. 'cached'] or 0) + tc
      c[f .. 'cost'] = (c[f .. 'cost'] or 0) + cost
    end
    added = added + 1
  end
  i = i + 10 + n
end
for day in pairs(days) do redis.call('SADD', KEYS[3], day) end
for k, fields in pairs(ints) do
  for f, v in pairs(fields) do redis.call('HINCRBY', KEYS[k], f, string.format('%d', v)) end
end
for k, fields in pairs(costs) do
  for f, v in pairs(fields) do
    redis.call('HINCRBYFLOAT', KEYS[k], f, string.format('%.17g', v))
  end
end
return added
"""


def _day(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp))


def _group(route: str, dimension: str) -> str:
    return f"{route}{_SEP}{dimension}{_SEP}"


def _dimension(model: str | None, tag: str | None) -> str:
    if model is not None:
        return f"m={model}"
    if tag is not None:
        return f"t={tag}"
    return "*"


class RedisLedger(SpentFromTotals):
    """A :class:`~hybridchain.core.cost.ledger.Ledger` in Redis.

    Recording runs a Lua script: it stores each event in a hash only when its id is new
    (``HSETNX``) and, in the same atomic step, indexes it by time and adds it to that UTC
    day's counters (per route: overall, per model, per tag). An event recorded twice, by any
    number of processes, counts once. :meth:`record_many` sends one script call per 500
    events, pipelined, and each call adds its events' sums to the counters once.
    :meth:`spent` and :meth:`totals` read the day counters; only a partial first day (a
    ``since`` that is not UTC midnight) or a model *and* tag filter read the events.

    Keys: ``{prefix}:events`` (id → JSON), ``{prefix}:ts`` (id by time), ``{prefix}:days``
    and ``{prefix}:day:YYYY-MM-DD`` (counters).

    **Redis unreachable.** With a ``fallback`` ledger (a :class:`SQLiteLedger` or a
    :class:`MemoryLedger`), a connection error or timeout does not fail the call: the
    events go to the fallback, and reads answer from it (so they count only what it holds
    while Redis is down), with a :class:`LedgerFallbackWarning` and a logged warning once
    per outage. For ``retry_s`` seconds after a failure Redis is not tried again; the first
    write that reaches Redis again replays the fallback's events into it (ids already
    stored count once), as :meth:`replay_fallback` does. Without a fallback, the error is
    raised.

    Args:
        url: Redis URL (``redis://host:port/db``).
        prefix: Key prefix, so several ledgers can share one Redis database.
        client: An existing ``redis.Redis`` client to use instead of ``url``.
        fallback: Ledger used while Redis cannot be reached (``None``: raise).
        retry_s: Seconds to use the fallback before Redis is tried again.

    >>> RedisLedger.__name__  # needs a Redis server; see tests/integration/cost
    'RedisLedger'
    """

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        prefix: str = "hybridchain:cost",
        *,
        client: Redis | None = None,
        fallback: Ledger | None = None,
        retry_s: float = 5.0,
    ) -> None:
        try:
            import redis
        except ImportError as exc:
            raise MissingExtraError("RedisLedger", "redis") from exc
        if fallback is not None and not isinstance(fallback, Ledger):
            raise TypeError(f"fallback must be a Ledger, not {type(fallback).__name__}")
        if retry_s < 0:
            raise ValueError(f"retry_s must be >= 0, got {retry_s}")
        if client is None:
            client = redis.Redis.from_url(url, decode_responses=True)
        self._client: Redis = client
        self._prefix = prefix
        self._script = client.register_script(_RECORD)
        self._fallback = fallback
        self._retry_s = retry_s
        self._unreachable = (redis.ConnectionError, redis.TimeoutError, OSError)
        self._down_since: float | None = None
        self._pending_replay = False
        self._state = threading.Lock()

    # -- Redis unreachable: the fallback ledger -------------------------------------------

    @property
    def degraded(self) -> bool:
        """Whether the last attempt to reach Redis failed (the fallback is in use)."""
        return self._down_since is not None

    def _guard(self, action: str, op: Callable[[], _T], instead: Callable[[Ledger], _T]) -> _T:
        """Run ``op`` on Redis; when Redis is unreachable, ``instead`` on the fallback."""
        fallback = self._fallback
        if fallback is None:
            return op()
        with self._state:
            since = self._down_since
        if since is not None and time.monotonic() - since < self._retry_s:
            return instead(fallback)
        try:
            result = op()
        except self._unreachable as exc:
            self._went_down(action, exc)
            return instead(fallback)
        with self._state:
            recovered, self._down_since = self._down_since is not None, None
        if recovered:
            logger.warning("Redis ledger %s reachable again", self._prefix)
        return result

    def _went_down(self, action: str, exc: BaseException) -> None:
        with self._state:
            first = self._down_since is None
            self._down_since = time.monotonic()
            self._pending_replay = True
        if first:
            message = (
                f"Redis ledger {self._prefix!r} unreachable ({type(exc).__name__}) while it "
                f"{action}: using the fallback {type(self._fallback).__name__}"
            )
            logger.warning(message)
            warnings.warn(message, LedgerFallbackWarning, stacklevel=4)

    def replay_fallback(self) -> int:
        """Write every event of the fallback ledger into Redis; return how many there are.

        Ids Redis already holds count once, so replaying again is harmless.

        Raises:
            redis.ConnectionError: If Redis is still unreachable.
        """
        if self._fallback is None:
            return 0
        events = self._fallback.events()
        self._record_many(events)
        with self._state:
            self._pending_replay = False
        return len(events)

    def _write(self, events: list[CostEvent]) -> None:
        def op() -> None:
            self._record_many(events)
            with self._state:
                replay = self._pending_replay
            if replay:
                self.replay_fallback()

        self._guard("wrote", op, lambda f: f.record_many(events))

    def _run(self, events: Iterable[CostEvent], client: Any = None) -> None:
        p = self._prefix
        keys = [f"{p}:events", f"{p}:ts", f"{p}:days"]
        day_index: dict[str, int] = {}
        args: list[Any] = []
        for event in events:
            day = _day(event.timestamp)
            if day not in day_index:
                keys.append(f"{p}:day:{day}")
                day_index[day] = len(keys)  # Lua indexes KEYS from 1
            dims = ["*", f"m={event.model}", *(f"t={t}" for t in dict.fromkeys(event.tags))]
            doc = {name: getattr(event, name) for name in _FIELDS}
            doc["tags"] = list(event.tags)
            args += (
                event.event_id,
                json.dumps(doc, sort_keys=True),
                repr(event.timestamp),
                day_index[day],
                day,
                event.input_tokens,
                event.output_tokens,
                event.cached_tokens,
                repr(event.cost_usd),
                len(dims),
                *(_group(event.route, d) for d in dims),
            )
        if args:
            self._script(keys=keys, args=args, client=client)

    def record(self, event: CostEvent) -> None:
        """Store one event; an id already stored is ignored."""
        if self._fallback is None:
            self._run([event])
        else:
            self._write([event])

    def record_many(self, events: Iterable[CostEvent]) -> None:
        """Store many events, a script call per 500 in one pipeline; stored ids are ignored."""
        if self._fallback is None:
            self._record_many(events)
        else:
            self._write(list(events))

    def _record_many(self, events: Iterable[CostEvent]) -> None:
        pipe = self._client.pipeline(transaction=False)
        batch: list[CostEvent] = []
        for event in events:
            batch.append(event)
            if len(batch) == _CHUNK:
                self._run(batch, pipe)
                batch = []
        self._run(batch, pipe)
        pipe.execute()

    def events(self, since: float | None = None) -> list[CostEvent]:
        """Return the stored events, oldest first."""
        low = "-inf" if since is None else repr(since)
        return self._guard(
            "read", lambda: self._events_between(low, "+inf"), lambda f: f.events(since)
        )

    def _events_between(self, low: str, high: str) -> list[CostEvent]:
        ids: list[str] = self._client.zrangebyscore(f"{self._prefix}:ts", low, high)  # type: ignore[assignment]
        found: list[CostEvent] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows: list[str | None] = self._client.hmget(f"{self._prefix}:events", chunk)  # type: ignore[assignment]
            found.extend(CostEvent.from_dict(json.loads(r)) for r in rows if r is not None)
        return found

    def totals(
        self,
        since: float | None = None,
        route: Route | None = None,
        model: str | None = None,
        tag: str | None = None,
    ) -> LedgerTotals:
        """Return the sums over the events that match the filters, from the day counters."""
        return self._guard(
            "read",
            lambda: self._totals(since, route, model, tag),
            lambda f: f.totals(since, route, model, tag),
        )

    def _totals(
        self,
        since: float | None,
        route: Route | None,
        model: str | None,
        tag: str | None,
    ) -> LedgerTotals:
        if model is not None and tag is not None:
            low = "-inf" if since is None else repr(since)
            return summarize(
                e
                for e in self._events_between(low, "+inf")
                if event_matches(e, since, route, model, tag)
            )
        days: Sequence[str] = sorted(self._client.smembers(f"{self._prefix}:days"))  # type: ignore[arg-type]
        partial: LedgerTotals = LedgerTotals()
        if since is not None:
            first = _day(since)
            days = [d for d in days if d >= first]
            midnight = since - since % _DAY
            if since != midnight and days and days[0] == first:
                days = days[1:]
                in_first_day = self._events_between(repr(since), f"({midnight + _DAY!r}")
                partial = summarize(
                    e for e in in_first_day if event_matches(e, since, route, model, tag)
                )
        dimension = _dimension(model, tag)
        fields = [
            _group(r, dimension) + stat for r in ((route,) if route else _ROUTES) for stat in _STATS
        ]
        pipe = self._client.pipeline(transaction=False)
        for day in days:
            pipe.hmget(f"{self._prefix}:day:{day}", fields)
        sums = [0, 0, 0, 0]
        cost = partial.cost_usd
        for values in pipe.execute():
            for start in range(0, len(values), len(_STATS)):
                for i in range(4):
                    sums[i] += int(values[start + i] or 0)
                cost += float(values[start + 4] or 0.0)
        return LedgerTotals(
            partial.events + sums[0],
            partial.input_tokens + sums[1],
            partial.output_tokens + sums[2],
            partial.cached_tokens + sums[3],
            cost,
        )

    def clear(self) -> None:
        """Delete every key of this ledger's prefix."""
        keys = [k for k in self._client.scan_iter(match=f"{self._prefix}:*", count=1000)]
        for start in range(0, len(keys), _CHUNK):
            self._client.delete(*keys[start : start + _CHUNK])

    def close(self) -> None:
        """Close the client's connections (and the fallback ledger)."""
        self._client.close()
        if self._fallback is not None:
            self._fallback.close()
