from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hybridchain.core.cost import CostEvent, Ledger, MemoryLedger, SQLiteLedger
from hybridchain.core.cost.ledger import LedgerTotals

DAY = 86_400.0


def ev(i: int | str, ts: float = 1000.0, **kw: object) -> CostEvent:
    defaults: dict[str, object] = {
        "model": "gpt-4o",
        "route": "cloud",
        "input_tokens": 10,
        "output_tokens": 5,
        "cached_tokens": 2,
        "cost_usd": 0.125,
    }
    defaults.update(kw)
    return CostEvent(event_id=str(i), timestamp=ts, **defaults)  # type: ignore[arg-type]


@pytest.fixture(params=["memory", "sqlite", "sqlite-background", "sqlite-memory"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    kind = request.param
    if kind == "memory":
        made: Ledger = MemoryLedger()
    elif kind == "sqlite":
        made = SQLiteLedger(tmp_path / "ledger.db")
    elif kind == "sqlite-memory":
        made = SQLiteLedger(":memory:")
    else:
        made = SQLiteLedger(tmp_path / "ledger.db", background=True, batch_size=64)
    yield made
    made.close()


def test_is_a_ledger(ledger: Ledger) -> None:
    assert isinstance(ledger, Ledger)


def test_record_twice_counts_once(ledger: Ledger) -> None:
    ledger.record(ev(1))
    ledger.record(ev(1))
    ledger.record_many([ev(1), ev(2), ev(2)])
    assert ledger.totals() == LedgerTotals(2, 20, 10, 4, 0.25)


def test_events_round_trip_oldest_first(ledger: Ledger) -> None:
    late = ev("late", ts=2000.0, tags=("a", "b"), metadata={"tenant": "x"}, estimated=True)
    early = ev("early", ts=1000.0, route="local", priced=False, cost_usd=0.0, provider="llama.cpp")
    ledger.record_many([late, early])
    assert ledger.events() == [early, late]
    assert ledger.events(since=1500.0) == [late]


def test_filters(ledger: Ledger) -> None:
    ledger.record_many(
        [
            ev(1, ts=100.0, model="gpt-4o", tags=("team-a",), cost_usd=1.0),
            ev(2, ts=200.0, model="claude", tags=("team-b",), cost_usd=2.0),
            ev(3, ts=300.0, model="llama", route="local", tags=("team-a",), cost_usd=4.0),
            ev(4, ts=400.0, model="gpt-4o", tags=("team-a", "batch"), cost_usd=8.0),
        ]
    )
    assert ledger.spent(0.0) == 15.0
    assert ledger.spent(250.0) == 12.0
    assert ledger.spent(0.0, route="cloud") == 11.0
    assert ledger.spent(0.0, model="gpt-4o") == 9.0
    assert ledger.spent(0.0, tag="team-a") == 13.0
    assert ledger.spent(0.0, route="cloud", tag="team-a") == 9.0
    assert ledger.spent(0.0, model="gpt-4o", tag="batch") == 8.0
    assert ledger.totals(route="local").events == 1
    assert ledger.spent(0.0, tag="nobody") == 0.0


def test_threads_lose_nothing(ledger: Ledger) -> None:
    def work(worker: int) -> None:
        for i in range(200):
            # ids 0..99 are shared by all workers: duplicates across threads
            event_id = f"shared-{i}" if i < 100 else f"w{worker}-{i}"
            if i % 50 == 0:
                ledger.record_many([ev(event_id), ev(f"{event_id}-b")])
            else:
                ledger.record(ev(event_id))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 100 shared + 8×100 own + the "-b" twins (shared-0, shared-50: 2; own 100,150: 16)
    expected = 100 + 800 + 2 + 16
    totals = ledger.totals()
    assert totals.events == expected
    assert totals.input_tokens == 10 * expected
    assert totals.cost_usd == 0.125 * expected


def test_sqlite_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "ledger.db"
    with SQLiteLedger(path) as first:
        first.record(ev(1))
    with SQLiteLedger(path) as second:
        second.record(ev(1))
        assert second.totals().events == 1
        assert second.spent(0.0) == 0.125


def test_sqlite_background_flush(tmp_path: Path) -> None:
    ledger = SQLiteLedger(tmp_path / "bg.db", background=True, batch_size=10)
    for i in range(95):
        ledger.record(ev(i))
    ledger.flush()
    with SQLiteLedger(tmp_path / "bg.db") as reader:
        assert reader.totals().events == 95
    ledger.record(ev("last"))
    ledger.close()  # close stores what is queued
    with SQLiteLedger(tmp_path / "bg.db") as reader:
        assert reader.totals().events == 96


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    import sqlite3

    SQLiteLedger(tmp_path / "w.db").close()
    conn = sqlite3.connect(tmp_path / "w.db")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_redis_ledger_names_the_extra_when_redis_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from hybridchain.core.cost import RedisLedger
    from hybridchain.errors import MissingExtraError

    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(MissingExtraError, match=r"hybridchain\[redis\]"):
        RedisLedger("redis://127.0.0.1:1/0")


def test_cost_package_exports_sorted() -> None:
    import hybridchain.core.cost as cost

    assert cost.__all__ == sorted(cost.__all__)
    for name in cost.__all__:
        assert getattr(cost, name) is not None
