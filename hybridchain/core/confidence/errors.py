"""Errors of the confidence-escalation pattern. Messages name types and levels, never values."""

from __future__ import annotations

from collections.abc import Sequence

from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import HybridchainError

__all__ = ["LocalModelUnavailableError"]


class LocalModelUnavailableError(HybridchainError):
    """No local tier answered a request that the policy keeps off the cloud tiers.

    The message names the level and the failed tiers' exception types only: an
    exception's own message may quote the request, so the causes are kept on
    ``failures`` rather than chained.

    >>> err = LocalModelUnavailableError(Sensitivity.CONFIDENTIAL, ["ConnectionError"])
    >>> err.failed
    ('ConnectionError',)
    """

    def __init__(
        self,
        level: Sensitivity,
        failed: Sequence[str],
        failures: Sequence[BaseException] = (),
    ) -> None:
        """Describe the request's level and the exception types of the failed tiers."""
        super().__init__(
            f"no local tier answered a {level} request, and the policy keeps it from the "
            f"cloud tiers (failed: {', '.join(failed) or 'none'})"
        )
        self.level = level
        self.failed = tuple(failed)
        self.failures = tuple(failures)
