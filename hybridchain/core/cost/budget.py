"""Spending budgets, and the guard routers ask before sending a request to the cloud."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hybridchain.core.cost.events import Route
from hybridchain.core.cost.ledger import Ledger
from hybridchain.errors import HybridchainError

__all__ = [
    "Budget",
    "BudgetAction",
    "BudgetExceededError",
    "BudgetGuard",
    "BudgetPeriod",
    "BudgetScope",
    "BudgetState",
    "BudgetStatus",
    "BudgetWarning",
    "period_start",
]

BudgetPeriod = Literal["day", "month"]
"""A UTC calendar period: the day or month a budget resets with."""

BudgetAction = Literal["route_local", "raise", "warn"]
"""What happens to a cloud request once a budget is exhausted: send it to the local model
instead, raise :class:`BudgetExceededError`, or warn with :class:`BudgetWarning` and send it."""


_ADJECTIVE = {"day": "daily", "month": "monthly"}


class BudgetWarning(UserWarning):
    """A budget crossed its soft threshold, or a ``warn`` budget is exhausted.

    >>> issubclass(BudgetWarning, UserWarning)
    True
    """


class BudgetScope(BaseModel):
    """Which cloud spending a budget counts.

    >>> BudgetScope(kind="model", value="gpt-4o").value
    'gpt-4o'
    """

    model_config = ConfigDict(frozen=True)

    kind: Literal["cloud", "model", "tag"] = "cloud"
    """``cloud``: all cloud calls; ``model``: calls to one model; ``tag``: calls with one tag."""
    value: str | None = None
    """The model name or tag (required for ``model`` and ``tag``)."""

    def model_post_init(self, context: object, /) -> None:
        """Require a value for the ``model`` and ``tag`` kinds."""
        if self.kind != "cloud" and not self.value:
            raise ValueError(f"a {self.kind!r} budget scope needs a value")

    def applies(self, model: str | None, tags: Sequence[str]) -> bool:
        """Return whether a call to ``model`` with ``tags`` counts against this scope."""
        if self.kind == "model":
            return model == self.value
        if self.kind == "tag":
            return self.value in tags
        return True

    def __str__(self) -> str:
        return "cloud" if self.kind == "cloud" else f"{self.kind} {self.value!r}"


class Budget(BaseModel):
    """A limit on cloud spending per UTC day or month.

    >>> Budget(limit_usd=50, period="month", scope=BudgetScope(kind="tag", value="team-a")).action
    'route_local'
    """

    model_config = ConfigDict(frozen=True)

    limit_usd: float = Field(ge=0)
    """Most USD the scope may spend in one period."""
    period: BudgetPeriod = "day"
    """The UTC calendar period the limit applies to."""
    scope: BudgetScope = Field(default_factory=BudgetScope)
    """Which cloud calls count."""
    soft_ratio: float = Field(default=0.8, gt=0, le=1)
    """Share of the limit at which a :class:`BudgetWarning` is given (once per period)."""
    action: BudgetAction = "route_local"
    """What happens to cloud requests once the limit is reached."""


class BudgetExceededError(HybridchainError):
    """A cloud request was refused because a budget with ``action="raise"`` is exhausted.

    >>> print(BudgetExceededError(Budget(limit_usd=1), spent_usd=1.5))
    daily budget for cloud exhausted: spent 1.500000 of 1.000000 USD
    """

    def __init__(self, budget: Budget, spent_usd: float) -> None:
        """Describe the exhausted budget."""
        super().__init__(
            f"{_ADJECTIVE[budget.period]} budget for {budget.scope} exhausted: "
            f"spent {spent_usd:.6f} of {budget.limit_usd:.6f} USD"
        )
        self.budget = budget
        self.spent_usd = spent_usd


@dataclass(frozen=True, slots=True)
class BudgetState:
    """One budget's spending in the current period.

    >>> BudgetState(Budget(limit_usd=10), spent_usd=9.0, period_start=0.0).soft
    True
    """

    budget: Budget
    """The budget."""
    spent_usd: float
    """USD spent in the scope since the period began."""
    period_start: float
    """Start of the current period, seconds since the epoch."""

    @property
    def exhausted(self) -> bool:
        """Whether the limit is reached."""
        return self.spent_usd >= self.budget.limit_usd

    @property
    def soft(self) -> bool:
        """Whether the soft threshold is reached."""
        return self.spent_usd >= self.budget.limit_usd * self.budget.soft_ratio


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    """The verdict for one prospective cloud call.

    >>> BudgetStatus(allowed=True).exhausted
    ()
    """

    allowed: bool
    """Whether the call may go to the cloud (no exhausted ``route_local``/``raise`` budget)."""
    exhausted: tuple[BudgetState, ...] = ()
    """Applicable budgets whose limit is reached."""
    warnings: tuple[str, ...] = ()
    """Messages for applicable budgets past their soft threshold or exhausted."""


def period_start(period: BudgetPeriod, now: float) -> float:
    """Return the start (UTC) of the day or month that contains ``now``.

    >>> period_start("month", 1_700_000_000.0)  # 2023-11-14 → 2023-11-01
    1698796800.0
    """
    moment = datetime.fromtimestamp(now, UTC)
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "month":
        start = start.replace(day=1)
    return start.timestamp()


class BudgetGuard:
    """Check budgets against a ledger before a request goes to the cloud.

    Budgets count cloud spending only (events with ``route="cloud"``); local calls are never
    limited. :meth:`allows_cloud` warns (:class:`BudgetWarning`) once per budget and period when
    spending passes the soft threshold, and once when a ``warn`` budget is exhausted; exhausted
    ``route_local`` and ``raise`` budgets act instead of warning.

    Args:
        budgets: The budgets to enforce.
        ledger: Where spending is recorded.
        clock: Current time in seconds since the epoch (injectable for tests).

    >>> from hybridchain.core.cost.memory import MemoryLedger
    >>> guard = BudgetGuard([Budget(limit_usd=1.0)], MemoryLedger())
    >>> guard.allows_cloud("gpt-4o", [])
    True
    """

    def __init__(
        self,
        budgets: Sequence[Budget],
        ledger: Ledger,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.budgets = tuple(budgets)
        self.ledger = ledger
        self._clock = clock
        self._warned: set[tuple[int, str, float]] = set()
        self._lock = threading.Lock()

    def states(self, model: str | None, tags: Sequence[str]) -> list[BudgetState]:
        """Return the current period's spending of each budget that applies to the call."""
        now = self._clock()
        states = []
        for budget in self.budgets:
            if not budget.scope.applies(model, tags):
                continue
            start = period_start(budget.period, now)
            scope = budget.scope
            spent = self.ledger.spent(
                start,
                route="cloud",
                model=scope.value if scope.kind == "model" else None,
                tag=scope.value if scope.kind == "tag" else None,
            )
            states.append(BudgetState(budget, spent, start))
        return states

    def check(
        self,
        model: str | None,
        tags: Sequence[str] = (),
        route: Route = "cloud",
    ) -> BudgetStatus:
        """Return whether a call to ``model`` with ``tags`` on ``route`` is within budget."""
        if route != "cloud":
            return BudgetStatus(allowed=True)
        states = self.states(model, tags)
        exhausted = tuple(s for s in states if s.exhausted)
        allowed = all(s.budget.action == "warn" for s in exhausted)
        messages = tuple(_message(s) for s in states if s.soft)
        return BudgetStatus(allowed=allowed, exhausted=exhausted, warnings=messages)

    def allows_cloud(self, model: str | None, tags: Sequence[str] = ()) -> bool:
        """Return whether the call may go to the cloud, applying each budget's action.

        Raises:
            BudgetExceededError: An exhausted budget has ``action="raise"``.
        """
        states = self.states(model, tags)
        for state in states:
            if state.exhausted and state.budget.action == "raise":
                raise BudgetExceededError(state.budget, state.spent_usd)
        for state in states:
            if state.exhausted:
                # route_local and raise act instead of warning; warn budgets warn once.
                due = state.budget.action == "warn" and self._first(state, "exhausted")
            else:
                due = state.soft and self._first(state, "soft")
            if due:
                warnings.warn(_message(state), BudgetWarning, stacklevel=2)
        return not any(s.exhausted and s.budget.action == "route_local" for s in states)

    def _first(self, state: BudgetState, level: str) -> bool:
        key = (id(state.budget), level, state.period_start)
        with self._lock:
            if key in self._warned:
                return False
            self._warned.add(key)
            return True


def _message(state: BudgetState) -> str:
    budget = state.budget
    what = "exhausted" if state.exhausted else f"past {budget.soft_ratio:.0%}"
    return (
        f"{_ADJECTIVE[budget.period]} budget for {budget.scope} {what}: "
        f"spent {state.spent_usd:.6f} of {budget.limit_usd:.6f} USD"
    )
