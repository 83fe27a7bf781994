"""Errors of the confidence-escalation pattern. Messages name types and levels, never values."""

from __future__ import annotations

from collections.abc import Sequence

from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import HybridchainError

__all__ = ["LocalModelUnavailableError"]


class LocalModelUnavailableError(HybridchainError):
    """No local model answered a request that the policy keeps off the cloud.

    Raised by the escalator, the gate, the router and the agent middleware alike; such a
    request never falls back to the cloud. The message names the level, the entity types
    and the failed models' exception types only: an exception's own message may quote the
    request (and a chained cause is written into traces), so the causes are kept on
    ``failures`` rather than chained.

    >>> err = LocalModelUnavailableError(
    ...     Sensitivity.CONFIDENTIAL, ["ConnectError"], entity_types=["US_SSN"]
    ... )
    >>> err.failed, err.entity_types
    (('ConnectError',), ('US_SSN',))
    """

    def __init__(
        self,
        level: Sensitivity,
        failed: Sequence[str],
        failures: Sequence[BaseException] = (),
        *,
        entity_types: Sequence[str] = (),
    ) -> None:
        """Describe the request's level, its entity types and the failed models' errors."""
        found = f" with {', '.join(entity_types)}" if entity_types else ""
        super().__init__(
            f"no local model answered a {level} request{found}, and the policy keeps it "
            f"from the cloud (failed: {', '.join(failed) or 'none'})"
        )
        self.level = level
        self.failed = tuple(failed)
        self.failures = tuple(failures)
        self.entity_types = tuple(dict.fromkeys(entity_types))
