"""Reports over recorded calls: totals by model, route and tag, and savings."""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from hybridchain.core.cost.events import CostEvent
from hybridchain.core.cost.ledger import LedgerTotals, summarize
from hybridchain.errors import MissingExtraError

__all__ = ["CostReport"]

CounterfactualPricer = Callable[[CostEvent], float | None]
"""Price of one event had it been sent to the counterfactual cloud model."""


@dataclass(frozen=True)
class CostReport:
    """What the recorded calls cost, split by model, route and tag, and what was saved.

    ``savings_usd`` compares the actual cost with a counterfactual in which every
    call went to one named cloud model (``counterfactual_model``).

    >>> events = [
    ...     CostEvent("1", 1.0, "gpt-4o", "cloud", input_tokens=10, cost_usd=0.5),
    ...     CostEvent("2", 2.0, "llama3", "local", input_tokens=10, cost_usd=0.1),
    ... ]
    >>> report = CostReport.build(events, "gpt-4o", lambda e: 0.5)
    >>> round(report.savings_usd, 2), report.by_route["local"].events
    (0.4, 1)
    """

    events: tuple[CostEvent, ...]
    """The calls, in time order."""
    total: LedgerTotals
    """Sums over all calls."""
    by_model: dict[str, LedgerTotals]
    """Sums per model."""
    by_route: dict[str, LedgerTotals]
    """Sums per route (``local``, ``cloud``, ``unknown``)."""
    by_tag: dict[str, LedgerTotals]
    """Sums per tag (and per ``key=value`` of reported metadata such as ``tenant=acme``)."""
    unpriced_models: tuple[str, ...] = ()
    """Models whose calls had no known price (their cost is missing, not zero)."""
    counterfactual_model: str | None = None
    """The cloud model of the counterfactual, if any."""
    counterfactual_costs: tuple[float, ...] = field(default=())
    """Per-event counterfactual cost (same order as ``events``)."""

    @classmethod
    def build(
        cls,
        events: Iterable[CostEvent],
        counterfactual_model: str | None = None,
        counterfactual_price: CounterfactualPricer | None = None,
    ) -> CostReport:
        """Summarize ``events``; price the counterfactual with ``counterfactual_price``."""
        ordered = tuple(sorted(events, key=lambda e: e.timestamp))
        groups: dict[str, defaultdict[str, list[CostEvent]]] = {
            "model": defaultdict(list),
            "route": defaultdict(list),
            "tag": defaultdict(list),
        }
        for e in ordered:
            groups["model"][e.model].append(e)
            groups["route"][e.route].append(e)
            for tag in (*e.tags, *(f"{k}={v}" for k, v in e.metadata.items())):
                groups["tag"][tag].append(e)
        counter: tuple[float, ...] = ()
        if counterfactual_price is not None:
            counter = tuple(counterfactual_price(e) or 0.0 for e in ordered)
        return cls(
            events=ordered,
            total=summarize(ordered),
            by_model={k: summarize(v) for k, v in sorted(groups["model"].items())},
            by_route={k: summarize(v) for k, v in sorted(groups["route"].items())},
            by_tag={k: summarize(v) for k, v in sorted(groups["tag"].items())},
            unpriced_models=tuple(sorted({e.model for e in ordered if not e.priced})),
            counterfactual_model=counterfactual_model,
            counterfactual_costs=counter,
        )

    @property
    def cost_usd(self) -> float:
        """Total actual cost."""
        return self.total.cost_usd

    @property
    def counterfactual_usd(self) -> float | None:
        """Cost had every call gone to ``counterfactual_model``."""
        return sum(self.counterfactual_costs) if self.counterfactual_model else None

    @property
    def savings_usd(self) -> float | None:
        """Counterfactual cost minus actual cost."""
        cf = self.counterfactual_usd
        return None if cf is None else cf - self.cost_usd

    @property
    def local_share(self) -> float:
        """Share of calls answered locally."""
        local = self.by_route.get("local")
        return 0.0 if not self.events or local is None else local.events / len(self.events)

    def rows(self) -> list[dict[str, Any]]:
        """One JSON-ready row per event."""
        return [e.to_dict() for e in self.events]

    def to_pandas(self) -> Any:
        """Return the events as a ``pandas.DataFrame`` (needs the ``notebooks`` extra)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise MissingExtraError("CostReport.to_pandas", "notebooks") from exc
        return pd.DataFrame(self.rows())

    def cumulative(self) -> dict[str, list[float]]:
        """Cumulative cost per event for ``local``, ``cloud`` and the counterfactual."""
        out: dict[str, list[float]] = {"local": [], "cloud": [], "counterfactual": []}
        totals = {"local": 0.0, "cloud": 0.0, "counterfactual": 0.0}
        for i, e in enumerate(self.events):
            if e.route in ("local", "cloud"):
                totals[e.route] += e.cost_usd
            if self.counterfactual_costs:
                totals["counterfactual"] += self.counterfactual_costs[i]
            for key in out:
                out[key].append(totals[key])
        return out

    def plot(self, ax: Any = None) -> Any:
        """Plot cumulative cost (local, cloud, counterfactual); needs matplotlib."""
        try:
            import matplotlib.pyplot as plt
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise MissingExtraError("CostReport.plot", "notebooks") from exc
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.5))
        series = self.cumulative()
        x = list(range(1, len(self.events) + 1))
        ax.plot(x, series["local"], label="local")
        ax.plot(x, series["cloud"], label="cloud")
        if self.counterfactual_model:
            ax.plot(x, series["counterfactual"], "--", label=f"all {self.counterfactual_model}")
        ax.set_xlabel("call")
        ax.set_ylabel("cumulative cost (USD)")
        ax.legend()
        return ax

    def summary_lines(self) -> list[str]:
        """A short plain-text summary."""
        lines = [
            f"calls: {self.total.events} ({self.local_share:.0%} local), "
            f"cost ${self.cost_usd:,.6f}",
        ]
        for route, t in self.by_route.items():
            lines.append(f"  {route:<8} {t.events:>6} calls  ${t.cost_usd:,.6f}")
        if self.savings_usd is not None:
            lines.append(
                f"savings vs all {self.counterfactual_model}: ${self.savings_usd:,.6f} "
                f"(counterfactual ${self.counterfactual_usd or 0:,.6f})"
            )
        if self.unpriced_models:
            lines.append(f"unpriced models: {', '.join(self.unpriced_models)}")
        return lines

    def __str__(self) -> str:
        return "\n".join(self.summary_lines())

    def _repr_html_(self) -> str:
        def table(title: str, groups: dict[str, LedgerTotals]) -> str:
            rows = "".join(
                f"<tr><td>{html.escape(k)}</td><td>{t.events}</td><td>{t.input_tokens}</td>"
                f"<td>{t.output_tokens}</td><td>${t.cost_usd:,.6f}</td></tr>"
                for k, t in groups.items()
            )
            head = (
                f"<tr><th>{title}</th><th>calls</th><th>input tokens</th>"
                "<th>output tokens</th><th>cost</th></tr>"
            )
            return f"<table>{head}{rows}</table>"

        parts = [f"<p>{html.escape(line)}</p>" for line in self.summary_lines()[:1]]
        parts.append(table("route", self.by_route))
        parts.append(table("model", self.by_model))
        if self.by_tag:
            parts.append(table("tag", self.by_tag))
        if self.savings_usd is not None:
            parts.append(f"<p>{html.escape(self.summary_lines()[-1])}</p>")
        return "<div class='hybridchain-cost-report'>" + "".join(parts) + "</div>"
