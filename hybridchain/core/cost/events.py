"""One priced model call, as the ledger stores it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["CostEvent", "Route"]

Route = Literal["local", "cloud", "unknown"]
"""Where a call ran."""


@dataclass(frozen=True, slots=True)
class CostEvent:
    """One model call: tokens, latency and price. Carries no prompt or answer text.

    >>> CostEvent(event_id="r1", timestamp=0.0, model="gpt-4o", route="cloud").cost_usd
    0.0
    """

    event_id: str
    """Unique id (the LangChain run id); a ledger stores each id once."""
    timestamp: float
    """End of the call, seconds since the epoch (UTC)."""
    model: str
    """Model name as the provider reports it."""
    route: Route
    """``local`` or ``cloud`` (from the decision record when present)."""
    provider: str = ""
    """Provider (``openai``, ``anthropic``, ``llama.cpp``, …)."""
    input_tokens: int = 0
    """Prompt tokens."""
    output_tokens: int = 0
    """Completion tokens."""
    cached_tokens: int = 0
    """Prompt tokens served from the provider's cache."""
    estimated: bool = False
    """Whether the token counts were estimated (the provider reported none)."""
    latency_s: float = 0.0
    """Wall time of the call in seconds."""
    cost_usd: float = 0.0
    """Price of the call in USD (0.0 with ``priced=False`` means unknown, not free)."""
    priced: bool = True
    """Whether a price was known for the model."""
    tags: tuple[str, ...] = ()
    """Run tags."""
    metadata: dict[str, Any] = field(default_factory=dict)
    """Run metadata worth reporting by (tenant, user, …); JSON-serializable values only."""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        data = asdict(self)
        data["tags"] = list(self.tags)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CostEvent:
        """Rebuild an event from :meth:`to_dict` output."""
        return cls(**{**data, "tags": tuple(data.get("tags", ()))})
