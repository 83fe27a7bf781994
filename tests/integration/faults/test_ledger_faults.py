"""Ledgers under faults: a writer killed mid-write, Redis stopped or never there."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from ledger_writer import event

from hybridchain.core.cost import (
    LedgerFallbackWarning,
    MemoryLedger,
    RedisLedger,
    SQLiteLedger,
)
from hybridchain.core.cost.ledger import summarize
from hybridchain.local.process import free_port
from hybridchain.testing import redis_server as redis_module
from hybridchain.testing.redis_server import redis_server

pytestmark = pytest.mark.integration

WRITER = Path(__file__).with_name("ledger_writer.py")


def _kill_while_writing(path: Path, mode: str, first: int, rng: random.Random) -> list[str]:
    """Start a writer, SIGKILL it after a random number of commits; return the ids it reported."""
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), mode, str(first)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    reported: list[str] = []
    wanted = rng.randint(20, 400)
    try:
        while len(reported) < wanted:
            line = proc.stdout.readline()
            assert line, f"the writer exited early with {proc.wait()}"
            reported.append(line.strip())
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    return reported


@pytest.mark.parametrize("mode", ["sync", "background"])
def test_sqlite_writer_killed_mid_write_loses_no_committed_event(tmp_path: Path, mode: str) -> None:
    rng = random.Random(mode)
    path = tmp_path / "ledger.db"
    committed: set[str] = set()
    for round_ in range(4):
        # Each writer starts inside the previous one's range: it rewrites ids already stored.
        committed.update(_kill_while_writing(path, mode, first=round_ * 150, rng=rng))
    with SQLiteLedger(path) as ledger:
        stored = {e.event_id for e in ledger.events()}
        assert committed <= stored
        assert ledger.totals().events == len(stored)
        highest = max(int(i[1:]) for i in stored)
        universe = [event(n) for n in range(highest + 10)]
        ledger.record_many(universe)  # replay everything any writer could have written
        assert ledger.totals() == summarize(universe)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_redis_stopped_mid_run_falls_back_and_replays_when_it_is_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = free_port()
    monkeypatch.setattr(redis_module, "free_port", lambda: port)
    fallback = MemoryLedger()
    before, during, after = (
        [event(n) for n in range(5)],
        [event(n) for n in range(5, 12)],
        [event(n) for n in range(12, 15)],
    )
    with redis_server() as url:
        ledger = RedisLedger(url, prefix="t:faults", fallback=fallback, retry_s=0.0)
        ledger.record_many(before)
        assert ledger.totals().events == 5
    # The server is gone: writes go to the fallback, with one warning for the outage.
    with pytest.warns(LedgerFallbackWarning, match="unreachable"):
        ledger.record(during[0])
    ledger.record_many(during[1:])
    assert ledger.degraded
    assert fallback.totals() == summarize(during)
    assert ledger.totals() == summarize(during)  # reads answer from the fallback
    with redis_server() as again:
        assert again == url
        # A fresh server (no persistence): the first write replays the fallback into it.
        ledger.record_many(after)
        assert not ledger.degraded
        assert ledger.totals() == summarize([*during, *after])
        assert ledger.replay_fallback() == len(during)
        assert ledger.totals() == summarize([*during, *after])
        ledger.close()


def test_redis_nobody_listens_uses_the_sqlite_fallback(tmp_path: Path) -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    fallback = SQLiteLedger(tmp_path / "fallback.db")
    ledger = RedisLedger(url, fallback=fallback, retry_s=60.0)
    with pytest.warns(LedgerFallbackWarning) as seen:
        ledger.record_many([event(1), event(2)])
        ledger.record(event(2))
        assert ledger.spent(since=0.0, route="cloud") == (event(1).cost_usd + event(2).cost_usd)
    assert len(seen) == 1
    assert [e.event_id for e in fallback.events()] == ["e1", "e2"]
    ledger.close()


def test_redis_nobody_listens_without_a_fallback_raises() -> None:
    import redis

    ledger = RedisLedger(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(redis.ConnectionError):
        ledger.record(event(1))
    ledger.close()
