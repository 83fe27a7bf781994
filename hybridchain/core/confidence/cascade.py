"""The escalation decision: which tier answers next, given what the last one did.

Framework-free and without I/O, so that every entry point of an adapter (invoke,
ainvoke, stream, astream, batch) runs the same decision and differs only in how it
calls the models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hybridchain.core.confidence.assessment import Assessment
from hybridchain.core.confidence.errors import LocalModelUnavailableError
from hybridchain.core.decision import RouteDecision
from hybridchain.core.findings import Finding
from hybridchain.core.sensitivity import Sensitivity

__all__ = ["Cascade", "OnSensitive", "Step", "StepAction"]

OnSensitive = Literal["local_tiers_only", "return_low_confidence"]
"""What a low-confidence answer to a request the policy keeps off the cloud leads to.

``local_tiers_only``: escalate through the remaining local tiers, skipping the cloud
ones; when none is left, return the last answer marked low-confidence.
``return_low_confidence``: do not escalate; return the first local answer marked
low-confidence (a failing tier still hands over to the next local one).
"""

StepAction = Literal["accept", "escalate", "fallback", "raise"]
"""``accept``: return this tier's answer; ``escalate``: try ``next_tier``;
``fallback``: return an earlier tier's answer; ``raise``: raise ``error`` (or, when it is
``None``, the tier's own exception)."""


@dataclass(frozen=True, slots=True)
class Step:
    """What to do after a tier answered (or failed)."""

    action: StepAction
    """The next move."""
    decision: RouteDecision
    """The record of this tier's outcome (no raw values)."""
    next_tier: int | None = None
    """The tier to try next (``escalate``)."""
    answer_tier: int | None = None
    """The tier whose answer is returned (``accept``, ``fallback``)."""
    low_confidence: bool = False
    """Whether the returned answer is below the threshold."""
    error: Exception | None = None
    """The error to raise (``raise``); ``None`` re-raises the tier's own exception."""


class Cascade:
    """The escalation decision for one request across ordered tiers.

    Tiers the policy keeps this request from (cloud tiers, for a level that may not
    reach the cloud) are never chosen. Each tier is assessed when an escalation could
    follow it, or when it is local (so a low answer can be marked); a final cloud tier
    is announced and answers without assessment.

    Example:
        >>> c = Cascade([False, True], threshold=0.5, level=Sensitivity.PUBLIC, cloud_ok=True)
        >>> c.after(0, Assessment(0.2), None).next_tier
        1
        >>> c = Cascade([False, True], threshold=0.5, level=Sensitivity.CONFIDENTIAL,
        ...             cloud_ok=False)
        >>> step = c.after(0, Assessment(0.2), None)
        >>> step.action, step.low_confidence
        ('accept', True)
    """

    def __init__(
        self,
        cloud: Sequence[bool],
        *,
        threshold: float,
        level: Sensitivity,
        cloud_ok: bool,
        on_sensitive: OnSensitive = "local_tiers_only",
        findings: Sequence[Finding] = (),
        names: Sequence[str | None] = (),
    ) -> None:
        """Plan a request.

        Args:
            cloud: For each tier, lowest first, whether it is a cloud model.
            threshold: Answers below this confidence escalate.
            level: The request's sensitivity level.
            cloud_ok: Whether the policy lets this level reach the cloud.
            on_sensitive: What a low answer leads to when cloud tiers are excluded.
            findings: What the scan found (types and positions), for the records.
            names: Model names of the tiers, for the records.
        """
        self.cloud = tuple(cloud)
        self.threshold = threshold
        self.level = level
        self.cloud_ok = cloud_ok
        self.on_sensitive = on_sensitive
        self.findings = tuple(findings)
        self.names = tuple(names)
        self.allowed = tuple(i for i, c in enumerate(self.cloud) if cloud_ok or not c)
        self.restricted = not cloud_ok and any(self.cloud)
        """Whether cloud tiers exist that this request may not reach."""
        self._answered: list[int] = []
        self._failed: list[str] = []
        self._failures: list[BaseException] = []

    @property
    def first(self) -> int | None:
        """The tier to try first (``None``: no tier may take the request)."""
        return self.allowed[0] if self.allowed else None

    def next_after(self, tier: int) -> int | None:
        """The next tier this request may reach after ``tier``."""
        return next((i for i in self.allowed if i > tier), None)

    def may_escalate(self, tier: int) -> bool:
        """Whether a low answer from ``tier`` leads to another tier."""
        if self.restricted and self.on_sensitive == "return_low_confidence":
            return False
        return self.next_after(tier) is not None

    def assesses(self, tier: int) -> bool:
        """Whether ``tier``'s answer is assessed (else it is final and answers as is)."""
        return self.may_escalate(tier) or not self.cloud[tier]

    def announce(self, tier: int) -> RouteDecision:
        """Return the record of a final tier that answers without assessment."""
        return self._record(tier, "last tier: answers without assessment", None, {}, False)

    def after(self, tier: int, assessment: Assessment | None, error: BaseException | None) -> Step:
        """Decide what follows ``tier``'s answer (its assessment) or failure (its exception)."""
        nxt = self.next_after(tier)
        if error is not None:
            return self._after_error(tier, nxt, error)
        if assessment is None:
            return Step("accept", self.announce(tier), answer_tier=tier)
        self._answered.append(tier)
        c, t = assessment.confidence, self.threshold
        signals = assessment.signals
        if c >= t:
            why = f"confidence {c:.3f} ≥ threshold {t:.3f}: accepted"
            return Step("accept", self._record(tier, why, c, signals, False), answer_tier=tier)
        if self.may_escalate(tier) and nxt is not None:
            why = f"confidence {c:.3f} < threshold {t:.3f}: escalated to tier {nxt}"
            record = self._record(tier, why, c, signals, True, next_tier=nxt)
            return Step("escalate", record, next_tier=nxt)
        why = (
            f"confidence {c:.3f} < threshold {t:.3f}: {self._why_kept(nxt)}; marked low-confidence"
        )
        record = self._record(tier, why, c, signals, False, low_confidence=True)
        return Step("accept", record, answer_tier=tier, low_confidence=True)

    def _why_kept(self, nxt: int | None) -> str:
        if self.restricted and nxt is not None:
            return "on_sensitive=return_low_confidence keeps it"
        if self.restricted:
            return "no local tier left and the policy keeps it from the cloud"
        return "no tier left"

    def _after_error(self, tier: int, nxt: int | None, error: BaseException) -> Step:
        kind = type(error).__name__
        self._failed.append(kind)
        self._failures.append(error)
        if nxt is not None:
            why = f"tier raised {kind}: confidence 0, escalated to tier {nxt}"
            return Step(
                "escalate", self._record(tier, why, 0.0, {}, True, next_tier=nxt), next_tier=nxt
            )
        if self._answered:
            earlier = self._answered[-1]
            why = f"tier raised {kind}: returned tier {earlier}'s answer marked low-confidence"
            record = self._record(tier, why, 0.0, {}, False, low_confidence=True)
            return Step("fallback", record, answer_tier=earlier, low_confidence=True)
        if self.restricted:
            why = f"tier raised {kind}: no local tier left and the policy keeps it from the cloud"
            err = self.unavailable()
            return Step("raise", self._record(tier, why, 0.0, {}, False), error=err)
        why = f"tier raised {kind}: no tier left"
        return Step("raise", self._record(tier, why, 0.0, {}, False))

    @property
    def failed(self) -> tuple[str, ...]:
        """Exception types of the tiers that failed so far, in order."""
        return tuple(self._failed)

    def unavailable(self, error: BaseException | None = None) -> LocalModelUnavailableError:
        """The error for a request kept off the cloud that no local tier answered."""
        failed, failures = list(self._failed), list(self._failures)
        if error is not None:
            failed.append(type(error).__name__)
            failures.append(error)
        types = [f.entity_type for f in self.findings]
        return LocalModelUnavailableError(self.level, failed, failures, entity_types=types)

    def _record(
        self,
        tier: int,
        why: str,
        confidence: float | None,
        signals: dict[str, float],
        escalated: bool,
        **more: Any,
    ) -> RouteDecision:
        reasons = [why]
        if self.restricted:
            reasons.append(f"{self.level} may not reach the cloud: cloud tiers skipped")
        extra: dict[str, Any] = {
            "tier_tried": tier,
            "signals": dict(signals),
            "escalated": escalated,
            "why": why,
            "threshold": self.threshold,
            **more,
        }
        name = self.names[tier] if tier < len(self.names) else None
        if name is not None:
            extra["model"] = name
        return RouteDecision(
            "escalator",
            "cloud" if self.cloud[tier] else "local",
            tuple(reasons),
            self.level,
            self.findings,
            confidence=confidence,
            extra=extra,
        )
