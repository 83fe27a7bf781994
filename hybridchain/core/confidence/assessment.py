"""The result of judging one answer: a confidence and the signals behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Assessment"]


@dataclass(frozen=True, slots=True)
class Assessment:
    """How reliable an answer looks. Carries numbers and reasons, never the answer's text.

    >>> a = Assessment(0.82, {"mean_prob": 0.91}, ("token probabilities are high",))
    >>> a.confidence >= 0.5, a.to_dict()["signals"]
    (True, {'mean_prob': 0.91})
    """

    confidence: float
    """Estimated probability that the answer is acceptable, in ``[0, 1]``."""
    signals: dict[str, float] = field(default_factory=dict)
    """The signals that were available, by name (``min_prob``, ``hedging``, …)."""
    reasons: tuple[str, ...] = ()
    """Human-readable notes on what raised or lowered the confidence."""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "confidence": self.confidence,
            "signals": dict(self.signals),
            "reasons": list(self.reasons),
        }
