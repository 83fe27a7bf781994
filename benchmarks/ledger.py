"""Measure cost-ledger write throughput: memory, SQLite and Redis, in one run.

Run from the repository root::

    python benchmarks/ledger.py [--events 20000] [--single 2000] [--batch 500]

Each ledger starts empty and stores ``--events`` distinct events (``--single`` of them for the
one-call-per-event modes, which are slower). SQLite runs on a file in a temporary directory
(WAL, ``synchronous=NORMAL``); Redis is a ``redis-server`` this script starts on a free
loopback port without persistence, and stops. The goal line asks for at least 20,000 events/s
with batching (``record_many`` of ``--batch`` events; pipelined for Redis).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from hybridchain.core.cost import (  # noqa: E402
    CostEvent,
    Ledger,
    MemoryLedger,
    RedisLedger,
    SQLiteLedger,
)
from hybridchain.testing.redis_server import redis_server  # noqa: E402

__all__ = ["main"]

GOAL = 20_000.0


def make_events(n: int, run: str) -> list[CostEvent]:
    """Return ``n`` distinct, realistic events."""
    start = time.time() - 86_400
    models = ("gpt-4o", "claude-sonnet-4-5", "llama3.2")
    return [
        CostEvent(
            event_id=f"{run}-{i}",
            timestamp=start + i * 0.5,
            model=models[i % 3],
            route="local" if i % 3 == 2 else "cloud",
            provider="openai",
            input_tokens=500 + i % 700,
            output_tokens=100 + i % 300,
            cached_tokens=i % 50,
            latency_s=0.8,
            cost_usd=0.0025 + (i % 10) * 1e-4,
            tags=("team-a", "chat") if i % 2 else ("team-b",),
            metadata={"tenant": f"t{i % 4}"},
        )
        for i in range(n)
    ]


def rate(events: list[CostEvent], write: Callable[[list[CostEvent]], None]) -> float:
    """Return events per second for one write pass."""
    began = time.perf_counter()
    write(events)
    return len(events) / (time.perf_counter() - began)


def singly(ledger: Ledger) -> Callable[[list[CostEvent]], None]:
    def write(events: list[CostEvent]) -> None:
        for event in events:
            ledger.record(event)

    return write


def batched(ledger: Ledger, size: int) -> Callable[[list[CostEvent]], None]:
    def write(events: list[CostEvent]) -> None:
        for start in range(0, len(events), size):
            ledger.record_many(events[start : start + size])

    return write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="events per batched run")
    parser.add_argument("--single", type=int, default=2_000, help="events per one-by-one run")
    parser.add_argument("--batch", type=int, default=500, help="events per record_many call")
    args = parser.parse_args(argv)

    rows: list[tuple[str, float]] = []
    goals: list[tuple[str, float]] = []

    memory = MemoryLedger()
    rows.append(("memory, record", rate(make_events(args.events, "m1"), singly(memory))))
    rows.append(
        ("memory, record_many", rate(make_events(args.events, "m2"), batched(memory, args.batch)))
    )

    with tempfile.TemporaryDirectory() as tmp:
        sqlite = SQLiteLedger(Path(tmp) / "ledger.db")
        rows.append(
            (
                "SQLite, record (1 transaction each)",
                rate(make_events(args.single, "s1"), singly(sqlite)),
            )
        )
        got = rate(make_events(args.events, "s2"), batched(sqlite, args.batch))
        rows.append((f"SQLite, record_many({args.batch})", got))
        goals.append(("SQLite", got))
        bg = SQLiteLedger(Path(tmp) / "background.db", background=True, batch_size=args.batch)

        def background(events: list[CostEvent]) -> None:
            singly(bg)(events)
            bg.flush()

        rows.append(
            ("SQLite, record + background writer", rate(make_events(args.events, "s3"), background))
        )
        assert sqlite.totals().events == args.single + args.events
        bg.close()
        sqlite.close()

    with redis_server() as url:
        red = RedisLedger(url, prefix="bench")
        rows.append(
            ("Redis, record (1 round trip each)", rate(make_events(args.single, "r1"), singly(red)))
        )
        got = rate(make_events(args.events, "r2"), batched(red, args.batch))
        rows.append((f"Redis, record_many({args.batch}), pipelined", got))
        goals.append(("Redis", got))
        assert red.totals().events == args.single + args.events
        red.close()

    width = max(len(name) for name, _ in rows)
    print(f"{'ledger, mode':<{width}}  events/s")
    for name, value in rows:
        print(f"{name:<{width}}  {value:>10,.0f}")
    print()
    ok = True
    for name, value in goals:
        verdict = "PASS" if value >= GOAL else "FAIL"
        ok = ok and value >= GOAL
        print(f"goal: {name} >= {GOAL:,.0f} events/s with batching: {value:,.0f} -> {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
