"""A ledger in one SQLite file, shared safely by threads and processes."""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from hybridchain.core.cost.events import CostEvent, Route
from hybridchain.core.cost.ledger import LedgerTotals, SpentFromTotals

__all__ = ["SQLiteLedger"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cost_events (
    event_id TEXT PRIMARY KEY,
    timestamp REAL NOT NULL,
    model TEXT NOT NULL,
    route TEXT NOT NULL,
    provider TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    estimated INTEGER NOT NULL,
    latency_s REAL NOT NULL,
    cost_usd REAL NOT NULL,
    priced INTEGER NOT NULL,
    tags TEXT NOT NULL,
    metadata TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cost_events_timestamp ON cost_events (timestamp);
"""
_COLUMNS = (
    "event_id, timestamp, model, route, provider, input_tokens, output_tokens, cached_tokens,"
    " estimated, latency_s, cost_usd, priced, tags, metadata"
)
_INSERT = f"INSERT OR IGNORE INTO cost_events ({_COLUMNS}) VALUES ({', '.join('?' * 14)})"
_STOP = object()


def _row(event: CostEvent) -> tuple[Any, ...]:
    return (
        event.event_id,
        event.timestamp,
        event.model,
        event.route,
        event.provider,
        event.input_tokens,
        event.output_tokens,
        event.cached_tokens,
        int(event.estimated),
        event.latency_s,
        event.cost_usd,
        int(event.priced),
        json.dumps(list(event.tags)),
        json.dumps(event.metadata, sort_keys=True),
    )


def _event(row: sqlite3.Row) -> CostEvent:
    return CostEvent(
        event_id=row["event_id"],
        timestamp=row["timestamp"],
        model=row["model"],
        route=row["route"],
        provider=row["provider"],
        input_tokens=row["input_tokens"],
        output_tokens=row["output_tokens"],
        cached_tokens=row["cached_tokens"],
        estimated=bool(row["estimated"]),
        latency_s=row["latency_s"],
        cost_usd=row["cost_usd"],
        priced=bool(row["priced"]),
        tags=tuple(json.loads(row["tags"])),
        metadata=json.loads(row["metadata"]),
    )


class SQLiteLedger(SpentFromTotals):
    """A :class:`~hybridchain.core.cost.ledger.Ledger` in one SQLite file.

    The file runs in WAL mode with a busy timeout; each thread (and each process) gets its
    own connection, and every write is one ``BEGIN IMMEDIATE`` transaction of
    ``INSERT OR IGNORE`` keyed by ``event_id``, so an event recorded twice, by any writer,
    counts once. With ``background=True`` :meth:`record` only queues the event and a writer
    thread stores queued events in batches; :meth:`flush` waits for it, and reads flush first.

    A process killed mid-write loses no committed event (a transaction is all or nothing,
    and WAL commits survive the process), and recording events again counts none twice.
    Events still queued for the background writer, or a commit in flight, are not committed
    yet; with ``synchronous = NORMAL`` a power loss (not a process crash) may undo the last
    commits.

    Args:
        path: The database file (created with its schema when missing).
        background: Queue :meth:`record` calls for a background batch writer.
        batch_size: Most events the background writer stores per transaction.
        busy_timeout_s: How long a writer waits for another's lock before failing.

    >>> ledger = SQLiteLedger(":memory:")
    >>> ledger.record_many([CostEvent("a", 1.0, "gpt-4o", "cloud", cost_usd=0.5)] * 2)
    >>> ledger.totals().events
    1
    >>> ledger.close()
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        background: bool = False,
        batch_size: int = 500,
        busy_timeout_s: float = 30.0,
    ) -> None:
        self._path = str(path)
        self._busy_timeout_s = busy_timeout_s
        self._batch_size = batch_size
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._shared_lock = threading.Lock()
        # ":memory:" is one database per connection, so all threads share one connection.
        self._shared: sqlite3.Connection | None = None
        if self._path == ":memory:":
            self._shared = self._connect()
        else:
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            self._connection()
        self._queue: queue.Queue[object] | None = None
        self._writer: threading.Thread | None = None
        if background:
            self._queue = queue.Queue()
            self._writer = threading.Thread(
                target=self._drain, name="hybridchain-sqlite-ledger", daemon=True
            )
            self._writer.start()

    def _connect(self) -> sqlite3.Connection:
        # Each connection is used by the one thread that opened it (or under ``_use``);
        # ``check_same_thread=False`` only lets :meth:`close` release them all.
        conn = sqlite3.connect(
            self._path,
            timeout=self._busy_timeout_s,
            isolation_level=None,
            check_same_thread=False,
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_s * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(_SCHEMA)
        with self._lock:
            self._connections.append(conn)
        return conn

    def _connection(self) -> sqlite3.Connection:
        if self._shared is not None:
            return self._shared
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        # A connection must not cross a fork: a child process opens its own.
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            conn = self._connect()
            self._local.conn = conn
            self._local.pid = os.getpid()
        return conn

    def _use(self) -> AbstractContextManager[object]:
        return self._shared_lock if self._shared is not None else nullcontext()

    def _write(self, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        conn = self._connection()
        with self._use():
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(_INSERT, rows)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def record(self, event: CostEvent) -> None:
        """Store one event (or queue it for the background writer)."""
        if self._queue is not None:
            self._queue.put(event)
        else:
            self._write([_row(event)])

    def record_many(self, events: Iterable[CostEvent]) -> None:
        """Store many events in one transaction."""
        self._write([_row(e) for e in events])

    def flush(self) -> None:
        """Wait until the background writer has stored every queued event."""
        if self._queue is not None:
            self._queue.join()

    def _drain(self) -> None:
        assert self._queue is not None
        while True:
            first = self._queue.get()
            batch = [first]
            while len(batch) < self._batch_size:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            events = [e for e in batch if isinstance(e, CostEvent)]
            try:
                self._write([_row(e) for e in events])
            finally:
                for _ in batch:
                    self._queue.task_done()
            if any(e is _STOP for e in batch):
                return

    def _query(self, sql: str, params: list[Any]) -> list[sqlite3.Row]:
        self.flush()
        conn = self._connection()
        with self._use():
            return conn.execute(sql, params).fetchall()

    def events(self, since: float | None = None) -> list[CostEvent]:
        """Return the stored events, oldest first."""
        where, params = _where(since)
        sql = f"SELECT * FROM cost_events{where} ORDER BY timestamp, event_id"
        return [_event(row) for row in self._query(sql, params)]

    def totals(
        self,
        since: float | None = None,
        route: Route | None = None,
        model: str | None = None,
        tag: str | None = None,
    ) -> LedgerTotals:
        """Return the sums over the events that match the filters."""
        where, params = _where(since, route, model, tag)
        sql = (
            "SELECT COUNT(*), TOTAL(input_tokens), TOTAL(output_tokens), TOTAL(cached_tokens),"
            f" TOTAL(cost_usd) FROM cost_events{where}"
        )
        n, tokens_in, tokens_out, cached, cost = self._query(sql, params)[0]
        return LedgerTotals(int(n), int(tokens_in), int(tokens_out), int(cached), float(cost))

    def close(self) -> None:
        """Store what is queued, stop the writer and close every connection."""
        if self._queue is not None and self._writer is not None:
            self._queue.put(_STOP)
            self._writer.join()
            self._queue = None
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()

    def __enter__(self) -> SQLiteLedger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _where(
    since: float | None = None,
    route: Route | None = None,
    model: str | None = None,
    tag: str | None = None,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if since is not None:
        clauses.append("timestamp >= ?")
        params.append(since)
    if route is not None:
        clauses.append("route = ?")
        params.append(route)
    if model is not None:
        clauses.append("model = ?")
        params.append(model)
    if tag is not None:
        clauses.append("EXISTS (SELECT 1 FROM json_each(cost_events.tags) WHERE value = ?)")
        params.append(tag)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
