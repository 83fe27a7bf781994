"""The per-request decision shared by the routing strategy and the fallback guard.

Pure hybridchain: no LiteLLM import, so it can be tested and reused on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hybridchain.core.complexity import FeatureScorer, Scorer
from hybridchain.core.cost.budget import BudgetExceededError, BudgetGuard
from hybridchain.core.decision import RouteDecision
from hybridchain.core.detect.base import Detector
from hybridchain.core.detect.defaults import default_detectors
from hybridchain.core.findings import SensitivityReport
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.core.scan import Scanner, collect_pieces
from hybridchain.errors import HybridchainError, SensitiveDataError
from hybridchain.litellm.tags import DeploymentRoute

__all__ = ["COMPONENT", "DECISION_METADATA_KEY", "RequestJudge"]

COMPONENT = "litellm_router"
"""``RouteDecision.component`` of the decisions made for LiteLLM."""
DECISION_METADATA_KEY = "hybridchain_decision"
"""Request ``metadata`` key the decision (``RouteDecision.to_dict()``) is stored under."""


class RequestJudge:
    """Scan a LiteLLM request, score it and say where it may go.

    Args:
        policy: Sensitivity levels and where each may go (the default policy if ``None``).
        detectors: Detectors to run (the policy's default set if ``None``).
        scorer: Complexity scorer (``FeatureScorer.default()`` if ``None``).
        threshold: Scores at or above it are complex and go to the cloud when allowed.
        budget_guard: Consulted before a request goes to the cloud; an exhausted
            ``route_local`` budget keeps it local.

    >>> judge = RequestJudge()
    >>> judge.scan([{"role": "user", "content": "My SSN is 536-22-8471"}]).level
    <Sensitivity.CONFIDENTIAL: 2>
    """

    def __init__(
        self,
        policy: SensitivityPolicy | None = None,
        *,
        detectors: Sequence[Detector] | None = None,
        scorer: Scorer | None = None,
        threshold: float = 0.5,
        budget_guard: BudgetGuard | None = None,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError("threshold must lie in [0, 1]")
        self.policy = policy or SensitivityPolicy()
        self.scanner = Scanner(
            default_detectors(self.policy) if detectors is None else detectors, self.policy
        )
        self.scorer: Scorer = scorer or FeatureScorer.default()
        self.threshold = threshold
        self.budget_guard = budget_guard

    def scan(self, messages: Any = None, input: Any = None) -> SensitivityReport:
        """Scan the chat messages and the embedding input of a request together.

        Tool-call arguments are scanned as the JSON values they encode (the core walker).
        """
        pieces = collect_pieces(messages) if messages else []
        if input:
            pieces.extend(collect_pieces(input))
        return self.scanner.scan_pieces(pieces)

    def cloud_allowed(self, report: SensitivityReport) -> bool:
        """Whether the policy lets a request with this report reach the cloud."""
        return self.policy.allows("cloud", report.level)

    def decide(
        self,
        model: str,
        messages: Any = None,
        input: Any = None,
        *,
        available: Sequence[DeploymentRoute] = ("local", "cloud"),
    ) -> RouteDecision:
        """Return where the request goes.

        Sensitive requests go local; public complex ones go to the cloud (when a budget
        allows); public simple ones go local. When the preferred kind has no deployment,
        public requests take the other kind.

        Args:
            model: The requested model group (used as the budget's model).
            messages: Chat messages (OpenAI shape).
            input: Embedding input.
            available: The kinds of deployment that can serve the request.

        Raises:
            SensitiveDataError: The policy keeps the request local and no local deployment
                can serve it, or the policy lets it go nowhere. The message names entity
                types and positions only.
            BudgetExceededError: A cloud budget is exhausted and no local deployment exists.
        """
        report = self.scan(messages, input)
        return self.decide_report(model, report, messages, available=available)

    def decide_report(
        self,
        model: str,
        report: SensitivityReport,
        messages: Any = None,
        *,
        available: Sequence[DeploymentRoute] = ("local", "cloud"),
    ) -> RouteDecision:
        """Like :meth:`decide`, for a request already scanned into ``report``.

        Raises:
            SensitiveDataError: As :meth:`decide`.
            BudgetExceededError: As :meth:`decide`.
        """
        level, findings = report.level, report.findings
        extra: dict[str, Any] = {"model_group": model, "threshold": self.threshold}
        if report.errors:
            extra["detector_errors"] = list(report.errors)
        if not self.cloud_allowed(report):
            if "local" in available and self.policy.allows("local", level):
                return RouteDecision(
                    COMPONENT,
                    "local",
                    (f"{level} data stays local",),
                    level,
                    findings,
                    extra=extra,
                )
            raise SensitiveDataError(level, findings)
        complexity = self.scorer.score(messages) if messages else None
        complex_ = complexity is not None and complexity >= self.threshold
        reasons: list[str] = []
        target: DeploymentRoute
        if complex_:
            reasons.append(f"complexity {complexity:.3f} >= threshold {self.threshold}")
            target = "cloud"
        else:
            reasons.append(
                "no messages to score"
                if complexity is None
                else f"complexity {complexity:.3f} < threshold {self.threshold}"
            )
            target = "local"
        budget_blocked = False
        if target == "cloud" and "cloud" in available and self.budget_guard is not None:
            if not self.budget_guard.allows_cloud(model):
                reasons.append("cloud budget exhausted")
                target = "local"
                budget_blocked = True
        if budget_blocked and "local" not in available:
            self._raise_budget(model)
        if target not in available:
            other: DeploymentRoute = "cloud" if target == "local" else "local"
            if other in available:
                reasons.append(f"no {target} deployment; {level} data may go {other}")
                target = other
        return RouteDecision(
            COMPONENT, target, tuple(reasons), level, findings, complexity, extra=extra
        )

    def _raise_budget(self, model: str) -> None:
        assert self.budget_guard is not None
        for state in self.budget_guard.check(model).exhausted:
            raise BudgetExceededError(state.budget, state.spent_usd)
        raise HybridchainError("the cloud budget is exhausted and no local deployment exists")
