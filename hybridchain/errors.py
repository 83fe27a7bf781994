"""Errors hybridchain raises. Messages name types and positions, never values."""

from __future__ import annotations

from collections.abc import Sequence

from hybridchain.core.findings import Finding
from hybridchain.core.sensitivity import Sensitivity

__all__ = ["HybridchainError", "MissingExtraError", "SensitiveDataError"]


class HybridchainError(Exception):
    """Base class of hybridchain's errors."""


class MissingExtraError(HybridchainError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, feature: str, extra: str) -> None:
        """Name the feature and the extra that provides it."""
        super().__init__(f"{feature} needs the '{extra}' extra: pip install 'hybridchain[{extra}]'")
        self.extra = extra


def _where(f: Finding) -> str:
    msg = "" if f.message_index is None else f"message {f.message_index} "
    path = f" {f.path}" if f.path else ""
    return f"{f.entity_type} at {msg}{path}[{f.start}:{f.end}]".replace("  ", " ")


class SensitiveDataError(HybridchainError):
    """A request carried data the policy does not let through (``block`` mode).

    The message lists entity types and positions only.
    """

    def __init__(self, level: Sensitivity, findings: Sequence[Finding] = ()) -> None:
        """Describe the blocked request."""
        shown = ", ".join(_where(f) for f in findings[:20])
        more = f" and {len(findings) - 20} more" if len(findings) > 20 else ""
        detail = f": {shown}{more}" if shown else ""
        super().__init__(f"request is {level} and may not be sent{detail}")
        self.level = level
        self.findings = tuple(findings)
