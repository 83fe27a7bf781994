from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from hybridchain.core.cost import (
    Budget,
    BudgetExceededError,
    BudgetGuard,
    BudgetScope,
    BudgetWarning,
    CostEvent,
    MemoryLedger,
)
from hybridchain.core.cost.budget import period_start
from hybridchain.errors import HybridchainError


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def spend(
    ledger: MemoryLedger,
    when: float,
    usd: float,
    model: str = "gpt-4o",
    tags: tuple[str, ...] = (),
    route: str = "cloud",
) -> None:
    ledger.record(
        CostEvent(
            f"{when}-{usd}-{model}-{tags}-{len(ledger.events())}",
            when,
            model,
            route,
            cost_usd=usd,
            tags=tags,
        )
    )  # type: ignore[arg-type]


def test_period_start_utc() -> None:
    assert period_start("day", at(2025, 3, 15, 23, 59, 59)) == at(2025, 3, 15)
    assert period_start("month", at(2025, 3, 15, 12)) == at(2025, 3, 1)
    assert period_start("month", at(2025, 1, 1)) == at(2025, 1, 1)


def test_switches_to_local_when_exhausted() -> None:
    ledger = MemoryLedger()
    clock = Clock(at(2025, 3, 15, 12))
    guard = BudgetGuard([Budget(limit_usd=1.0, soft_ratio=1.0)], ledger, clock=clock)
    spend(ledger, at(2025, 3, 15, 9), 0.6)
    assert guard.allows_cloud("gpt-4o", [])
    spend(ledger, at(2025, 3, 15, 10), 0.4)
    assert guard.check("gpt-4o", []).allowed is False
    assert guard.allows_cloud("gpt-4o", []) is False
    # local calls are never limited, and local spending does not count
    assert guard.check("llama", [], route="local").allowed
    spend(ledger, at(2025, 3, 15, 11), 5.0, model="llama", route="local")
    assert ledger.spent(0.0, route="cloud") == 1.0


def test_day_boundary_resets() -> None:
    ledger = MemoryLedger()
    clock = Clock(at(2025, 3, 15, 23, 59))
    guard = BudgetGuard([Budget(limit_usd=1.0, period="day", soft_ratio=1.0)], ledger, clock=clock)
    spend(ledger, at(2025, 3, 15, 8), 1.0)
    assert not guard.allows_cloud("gpt-4o", [])
    clock.now = at(2025, 3, 16, 0, 0, 1)
    assert guard.allows_cloud("gpt-4o", [])


def test_month_boundary_resets() -> None:
    ledger = MemoryLedger()
    clock = Clock(at(2025, 3, 31, 12))
    guard = BudgetGuard(
        [Budget(limit_usd=10.0, period="month", soft_ratio=1.0)], ledger, clock=clock
    )
    spend(ledger, at(2025, 2, 28, 12), 50.0)  # last month: does not count
    spend(ledger, at(2025, 3, 1, 0), 6.0)
    assert guard.allows_cloud("gpt-4o", [])
    spend(ledger, at(2025, 3, 20), 4.0)
    assert not guard.allows_cloud("gpt-4o", [])
    clock.now = at(2025, 4, 1)
    assert guard.allows_cloud("gpt-4o", [])


def test_model_scope() -> None:
    ledger = MemoryLedger()
    clock = Clock(at(2025, 3, 15, 12))
    budget = Budget(limit_usd=1.0, scope=BudgetScope(kind="model", value="gpt-4o"), soft_ratio=1.0)
    guard = BudgetGuard([budget], ledger, clock=clock)
    spend(ledger, at(2025, 3, 15, 1), 2.0, model="claude")
    assert guard.allows_cloud("gpt-4o", [])
    spend(ledger, at(2025, 3, 15, 2), 1.0, model="gpt-4o")
    assert not guard.allows_cloud("gpt-4o", [])
    assert guard.allows_cloud("claude", [])  # the budget does not apply to other models


def test_tag_scope() -> None:
    ledger = MemoryLedger()
    clock = Clock(at(2025, 3, 15, 12))
    budget = Budget(limit_usd=1.0, scope=BudgetScope(kind="tag", value="team-a"), soft_ratio=1.0)
    guard = BudgetGuard([budget], ledger, clock=clock)
    spend(ledger, at(2025, 3, 15, 1), 3.0, tags=("team-b",))
    assert guard.allows_cloud("gpt-4o", ["team-a"])
    spend(ledger, at(2025, 3, 15, 2), 1.5, tags=("team-a", "x"))
    status = guard.check("gpt-4o", ["team-a"])
    assert not status.allowed
    assert [s.spent_usd for s in status.exhausted] == [1.5]
    assert not guard.allows_cloud("gpt-4o", ["x", "team-a"])
    assert guard.allows_cloud("gpt-4o", ["team-b"])


def test_raise_action() -> None:
    ledger = MemoryLedger()
    guard = BudgetGuard(
        [Budget(limit_usd=1.0, action="raise", soft_ratio=1.0)],
        ledger,
        clock=Clock(at(2025, 3, 15, 12)),
    )
    spend(ledger, at(2025, 3, 15, 1), 1.25)
    with pytest.raises(BudgetExceededError, match="daily budget for cloud exhausted") as info:
        guard.allows_cloud("gpt-4o", [])
    assert isinstance(info.value, HybridchainError)
    assert info.value.spent_usd == 1.25
    assert guard.check("gpt-4o", []).allowed is False  # check reports, it does not raise


def test_warn_action_warns_once_and_allows() -> None:
    ledger = MemoryLedger()
    guard = BudgetGuard(
        [Budget(limit_usd=1.0, action="warn", soft_ratio=1.0)],
        ledger,
        clock=Clock(at(2025, 3, 15, 12)),
    )
    spend(ledger, at(2025, 3, 15, 1), 2.0)
    assert guard.check("gpt-4o", []).allowed
    with pytest.warns(BudgetWarning, match="exhausted"):
        assert guard.allows_cloud("gpt-4o", [])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert guard.allows_cloud("gpt-4o", [])


def test_soft_threshold_warns_once_per_period() -> None:
    ledger = MemoryLedger()
    clock = Clock(at(2025, 3, 15, 12))
    guard = BudgetGuard([Budget(limit_usd=10.0, soft_ratio=0.8)], ledger, clock=clock)
    spend(ledger, at(2025, 3, 15, 1), 7.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert guard.allows_cloud("gpt-4o", [])
    spend(ledger, at(2025, 3, 15, 2), 1.5)
    with pytest.warns(BudgetWarning, match="past 80%"):
        assert guard.allows_cloud("gpt-4o", [])
    assert guard.check("gpt-4o", []).warnings  # still reported by check
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert guard.allows_cloud("gpt-4o", [])
    clock.now = at(2025, 3, 16, 12)  # a new day: a new crossing warns again
    spend(ledger, at(2025, 3, 16, 1), 9.0)
    with pytest.warns(BudgetWarning):
        assert guard.allows_cloud("gpt-4o", [])


def test_scope_needs_value() -> None:
    with pytest.raises(ValidationError):
        BudgetScope(kind="tag")
