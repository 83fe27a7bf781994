"""Eight processes write to one SQLite file and one Redis ledger: nothing lost, nothing twice."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from hybridchain.core.cost import CostEvent, MemoryLedger, RedisLedger, SQLiteLedger
from hybridchain.core.cost.ledger import Ledger

pytestmark = pytest.mark.integration

PROCESSES = 8
PER_PROCESS = 500
SHARED = 100  # ids 0..99 are written by every process
DAY = 86_400.0
START = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC


def event(event_id: str, n: int) -> CostEvent:
    """The same id always yields the same event, whichever process writes it."""
    return CostEvent(
        event_id=event_id,
        timestamp=START + n * 97.0,  # spreads over three UTC days
        model=("gpt-4o", "claude-sonnet-4-5", "llama")[n % 3],
        route="local" if n % 3 == 2 else "cloud",
        input_tokens=n + 1,
        output_tokens=2 * n + 1,
        cached_tokens=n % 5,
        cost_usd=(n % 7 + 1) / 1024,  # exact in binary, so sums compare exactly
        tags=("team-a",) if n % 2 else ("team-b", "batch"),
    )


def events_of(worker: int) -> list[CostEvent]:
    out = []
    for i in range(PER_PROCESS):
        if i < SHARED:
            out.append(event(f"shared-{i}", i))
        else:
            out.append(event(f"w{worker}-{i}", worker * PER_PROCESS + i))
    return out


def open_ledger(kind: str, target: str) -> Ledger:
    if kind == "sqlite":
        return SQLiteLedger(target)
    return RedisLedger(target, prefix="test:procs")


def write(kind: str, target: str, worker: int) -> None:
    ledger = open_ledger(kind, target)
    mine = events_of(worker)
    try:
        for start in range(0, len(mine), 50):
            chunk = mine[start : start + 50]
            if (start // 50) % 2:
                ledger.record_many(chunk)
            else:
                for e in chunk:
                    ledger.record(e)
        ledger.record_many(mine[:SHARED:3])  # written again, by the same process
    finally:
        ledger.close()


def expected() -> MemoryLedger:
    truth = MemoryLedger()
    for worker in range(PROCESSES):
        truth.record_many(events_of(worker))
    return truth


def run_writers(kind: str, target: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=write, args=(kind, target, w)) for w in range(PROCESSES)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * PROCESSES


def check(ledger: Ledger) -> None:
    truth = expected()
    total = truth.totals()
    assert total.events == SHARED + PROCESSES * (PER_PROCESS - SHARED)
    assert ledger.totals() == total
    assert len(ledger.events()) == total.events
    assert {e.event_id for e in ledger.events()} == {e.event_id for e in truth.events()}
    day2 = START - START % DAY + DAY
    for since in (START, day2, day2 + 3600.5):
        for filters in (
            {},
            {"route": "cloud"},
            {"model": "gpt-4o"},
            {"tag": "batch"},
            {"route": "cloud", "tag": "team-a"},
            {"model": "llama", "tag": "team-b"},
        ):
            assert ledger.totals(since, **filters) == truth.totals(since, **filters), (
                since,
                filters,
            )
            assert ledger.spent(since, **filters) == truth.spent(since, **filters)


def test_sqlite_eight_processes(tmp_path: Path) -> None:
    target = str(tmp_path / "shared.db")
    run_writers("sqlite", target)
    with SQLiteLedger(target) as ledger:
        check(ledger)


def test_redis_eight_processes(redis_url: str) -> None:
    run_writers("redis", redis_url)
    ledger = RedisLedger(redis_url, prefix="test:procs")
    try:
        check(ledger)
        ledger.clear()
        assert ledger.totals().events == 0
    finally:
        ledger.close()


def test_redis_round_trip_and_duplicates(redis_url: str) -> None:
    ledger = RedisLedger(redis_url, prefix="test:one")
    try:
        first = CostEvent(
            "a",
            START,
            "gpt-4o",
            "cloud",
            tags=("x", "x"),
            metadata={"tenant": "t"},
            cost_usd=0.5,
            input_tokens=3,
        )
        ledger.record(first)
        ledger.record(first)
        ledger.record_many([first, first])
        assert ledger.events() == [first]
        assert ledger.spent(START, tag="x") == 0.5  # a repeated tag counts once
        assert ledger.totals(route="local").events == 0
    finally:
        ledger.close()
