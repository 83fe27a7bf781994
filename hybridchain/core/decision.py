"""The one decision record every component produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from hybridchain.core.findings import Finding
from hybridchain.core.sensitivity import Sensitivity

__all__ = ["DECISIONS_KEY", "EVENT_NAME", "SENSITIVITY_KEY", "RouteDecision", "RouteTarget"]

RouteTarget = Literal["local", "cloud", "blocked"]
"""Where a component sent the request (``blocked``: nowhere, an error was raised)."""

EVENT_NAME = "hybridchain_decision"
"""Name of the custom event each decision is dispatched as."""
SENSITIVITY_KEY = "hybridchain_sensitivity"
"""Run-metadata key holding the highest sensitivity level recorded so far."""
DECISIONS_KEY = "hybridchain_decisions"
"""Run-metadata key holding the decision records made so far (as dicts)."""


@dataclass(frozen=True, slots=True)
class RouteDecision:
    """Why a component sent a request where it did. Carries no raw values.

    >>> RouteDecision("gate", "local", ("CONFIDENTIAL data stays local",)).to_dict()["target"]
    'local'
    """

    component: str
    """The component that decided (``gate``, ``router``, ``escalator``, …)."""
    target: RouteTarget
    """Where the request went."""
    reasons: tuple[str, ...] = ()
    """Human-readable reasons, without values."""
    sensitivity: Sensitivity | None = None
    """Sensitivity level of the request, when known."""
    findings: tuple[Finding, ...] = ()
    """Entity types and positions that led to the level."""
    complexity: float | None = None
    """Complexity score in ``[0, 1]``, when scored."""
    confidence: float | None = None
    """Confidence of an assessed answer, when assessed."""
    cost_estimate: float | None = None
    """Estimated cost in USD, when estimated."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Component-specific facts (mode, placeholders count, threshold, tier, …)."""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "component": self.component,
            "target": self.target,
            "reasons": list(self.reasons),
            "sensitivity": None if self.sensitivity is None else str(self.sensitivity),
            "findings": [f.to_dict() for f in self.findings],
            "complexity": self.complexity,
            "confidence": self.confidence,
            "cost_estimate": self.cost_estimate,
            **({"extra": dict(self.extra)} if self.extra else {}),
        }
