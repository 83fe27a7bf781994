"""The seed's routing table as data: (sensitivity, complexity) → local or cloud."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hybridchain.core.policy import Target
from hybridchain.core.sensitivity import Sensitivity

__all__ = ["SEED_TABLE", "Complexity", "RoutingRule", "RoutingTable"]

Complexity = Literal["simple", "moderate", "complex"]
"""The seed's complexity vocabulary."""


class RoutingRule(BaseModel):
    """One row: requests matching every given condition go to ``target``.

    >>> RoutingRule(min_sensitivity="confidential", target="local").matches(
    ...     Sensitivity.RESTRICTED, "simple"
    ... )
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_sensitivity: Sensitivity | None = None
    """Matches requests at this level or above."""
    max_sensitivity: Sensitivity | None = None
    """Matches requests at this level or below."""
    complexity: Complexity | None = None
    """Matches requests of this complexity."""
    target: Target
    """Where matching requests go."""

    def matches(self, sensitivity: Sensitivity, complexity: Complexity) -> bool:
        """Whether a request with these properties matches the row."""
        return (
            (self.min_sensitivity is None or sensitivity >= self.min_sensitivity)
            and (self.max_sensitivity is None or sensitivity <= self.max_sensitivity)
            and (self.complexity is None or complexity == self.complexity)
        )


class RoutingTable(BaseModel):
    """Ordered rows; the first that matches decides, else ``default``.

    >>> SEED_TABLE.route(Sensitivity.PUBLIC, "complex")
    'cloud'
    >>> SEED_TABLE.route(Sensitivity.INTERNAL, "complex")
    'local'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: tuple[RoutingRule, ...] = Field(default=())
    """The rows, first match wins."""
    default: Target = "local"
    """Target when no row matches."""

    def route(self, sensitivity: Sensitivity, complexity: Complexity) -> Target:
        """Return the target for a request."""
        for rule in self.rules:
            if rule.matches(sensitivity, complexity):
                return rule.target
        return self.default


SEED_TABLE = RoutingTable(
    rules=(
        # Confidential data = always local.
        RoutingRule(min_sensitivity=Sensitivity.CONFIDENTIAL, target="local"),
        # Complex tasks with non-sensitive data = cloud.
        RoutingRule(max_sensitivity=Sensitivity.PUBLIC, complexity="complex", target="cloud"),
    ),
    # Everything else = local (cost savings).
    default="local",
)
"""The seed article's ``ModelRouter.route`` table."""
