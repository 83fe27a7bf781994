"""A ledger held in process memory, for tests and single-process apps."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from hybridchain.core.cost.events import CostEvent, Route
from hybridchain.core.cost.ledger import LedgerTotals, SpentFromTotals, event_matches, summarize

__all__ = ["MemoryLedger"]


class MemoryLedger(SpentFromTotals):
    """A thread-safe in-memory :class:`~hybridchain.core.cost.ledger.Ledger`.

    >>> ledger = MemoryLedger()
    >>> event = CostEvent("r1", 10.0, "gpt-4o", "cloud", cost_usd=0.25)
    >>> ledger.record(event); ledger.record(event)
    >>> ledger.spent(since=0.0)
    0.25
    """

    def __init__(self) -> None:
        self._events: dict[str, CostEvent] = {}
        self._lock = threading.Lock()

    def record(self, event: CostEvent) -> None:
        """Store one event; an id already stored is ignored."""
        with self._lock:
            self._events.setdefault(event.event_id, event)

    def record_many(self, events: Iterable[CostEvent]) -> None:
        """Store many events; ids already stored are ignored."""
        with self._lock:
            for event in events:
                self._events.setdefault(event.event_id, event)

    def events(self, since: float | None = None) -> list[CostEvent]:
        """Return the stored events, oldest first."""
        with self._lock:
            chosen = [e for e in self._events.values() if event_matches(e, since)]
        return sorted(chosen, key=lambda e: e.timestamp)

    def totals(
        self,
        since: float | None = None,
        route: Route | None = None,
        model: str | None = None,
        tag: str | None = None,
    ) -> LedgerTotals:
        """Return the sums over the events that match the filters."""
        with self._lock:
            snapshot = list(self._events.values())
        return summarize(e for e in snapshot if event_matches(e, since, route, model, tag))

    def close(self) -> None:
        """Nothing to release."""
