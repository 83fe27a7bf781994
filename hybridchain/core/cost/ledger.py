"""The ledger protocol: where priced calls are recorded once and summed up."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from hybridchain.core.cost.events import CostEvent, Route

__all__ = ["Ledger", "LedgerTotals", "SpentFromTotals", "event_matches", "summarize"]


@dataclass(frozen=True, slots=True)
class LedgerTotals:
    """Sums over a set of recorded events.

    >>> summarize([CostEvent("a", 0.0, "gpt-4o", "cloud", input_tokens=3, cost_usd=0.5)])
    LedgerTotals(events=1, input_tokens=3, output_tokens=0, cached_tokens=0, cost_usd=0.5)
    """

    events: int = 0
    """Number of distinct events."""
    input_tokens: int = 0
    """Prompt tokens."""
    output_tokens: int = 0
    """Completion tokens."""
    cached_tokens: int = 0
    """Cached prompt tokens."""
    cost_usd: float = 0.0
    """Total price in USD (unpriced events add nothing)."""


@runtime_checkable
class Ledger(Protocol):
    """Stores each :class:`CostEvent` once (by ``event_id``) and answers spending questions.

    Filters combine with *and*: ``since`` keeps events with ``timestamp >= since``, ``tag``
    keeps events carrying that tag.

    >>> from hybridchain.core.cost.memory import MemoryLedger
    >>> isinstance(MemoryLedger(), Ledger)
    True
    """

    def record(self, event: CostEvent) -> None:
        """Store one event; an id already stored is ignored."""

    def record_many(self, events: Iterable[CostEvent]) -> None:
        """Store many events at once; ids already stored are ignored."""

    def events(self, since: float | None = None) -> list[CostEvent]:
        """Return the stored events, oldest first."""

    def totals(
        self,
        since: float | None = None,
        route: Route | None = None,
        model: str | None = None,
        tag: str | None = None,
    ) -> LedgerTotals:
        """Return the sums over the events that match the filters."""

    def spent(
        self,
        since: float,
        route: Route | None = None,
        model: str | None = None,
        tag: str | None = None,
    ) -> float:
        """Return the USD spent since ``since`` by the events that match the filters."""

    def close(self) -> None:
        """Write what is pending and release connections."""


def event_matches(
    event: CostEvent,
    since: float | None = None,
    route: Route | None = None,
    model: str | None = None,
    tag: str | None = None,
) -> bool:
    """Return whether ``event`` passes the ledger filters."""
    return (
        (since is None or event.timestamp >= since)
        and (route is None or event.route == route)
        and (model is None or event.model == model)
        and (tag is None or tag in event.tags)
    )


def summarize(events: Iterable[CostEvent] | Sequence[CostEvent]) -> LedgerTotals:
    """Return the sums over ``events``."""
    n = tokens_in = tokens_out = cached = 0
    cost = 0.0
    for event in events:
        n += 1
        tokens_in += event.input_tokens
        tokens_out += event.output_tokens
        cached += event.cached_tokens
        cost += event.cost_usd
    return LedgerTotals(n, tokens_in, tokens_out, cached, cost)


class SpentFromTotals:
    """Mixin for ledgers: ``spent`` is the cost of the matching ``totals``."""

    def totals(
        self,
        since: float | None = None,
        route: Route | None = None,
        model: str | None = None,
        tag: str | None = None,
    ) -> LedgerTotals:
        """Return the sums over the events that match the filters."""
        raise NotImplementedError

    def spent(
        self,
        since: float,
        route: Route | None = None,
        model: str | None = None,
        tag: str | None = None,
    ) -> float:
        """Return the USD spent since ``since`` by the matching events."""
        return self.totals(since, route, model, tag).cost_usd
