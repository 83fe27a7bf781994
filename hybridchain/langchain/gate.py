"""``SensitivityGate``: the sensitive-data gateway as a LangChain Runnable."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from langchain_core.runnables import Runnable, RunnableConfig
from pydantic import Field, PrivateAttr, field_validator

from hybridchain.core.cost.budget import BudgetGuard
from hybridchain.core.decision import RouteDecision
from hybridchain.core.detect.base import Detector
from hybridchain.core.detect.defaults import default_detectors
from hybridchain.core.findings import SensitivityReport
from hybridchain.core.policy import SensitivityPolicy, Target
from hybridchain.core.pseudonymize import Pseudonymizer
from hybridchain.core.scan import Scanner, TextPiece, collect_pieces
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import SensitiveDataError
from hybridchain.langchain.config import inherited_sensitivity
from hybridchain.langchain.messages import walk_lc_input
from hybridchain.langchain.routing import RoutePlan, RoutingRunnable, model_name

__all__ = ["GateMode", "SensitivityGate"]

GateMode = Literal["route", "pseudonymize", "block"]
"""``route``: sensitive → local; ``pseudonymize``: placeholders → cloud → restored;
``block``: sensitive → :class:`SensitiveDataError`."""


class SensitivityGate(RoutingRunnable):
    """Send sensitive requests to the local model and only the rest to the cloud.

    Every text the model would see is scanned (all messages and roles, tool-call
    arguments and results, multimodal text blocks). The decision record — entity
    types and positions, never values — goes into the run metadata of the chosen
    target and out as the custom event ``hybridchain_decision``.

    Example:
        >>> from langchain_core.language_models import FakeListChatModel
        >>> gate = SensitivityGate(
        ...     local=FakeListChatModel(responses=["local"]),
        ...     cloud=FakeListChatModel(responses=["cloud"]),
        ... )
        >>> gate.invoke("My SSN is 536-22-8510").content
        'local'
        >>> gate.invoke("What is the capital of France?").content
        'cloud'
        >>> gate.scan("mail ann@example.com").findings[0].entity_type
        'EMAIL_ADDRESS'
    """

    local: Runnable[Any, Any] | None = None
    """Target for requests the policy keeps on the local network."""
    cloud: Runnable[Any, Any] | None = None
    """Target for requests the policy lets reach the cloud."""
    mode: GateMode = "route"
    """What to do with sensitive requests: route, pseudonymize or block."""
    policy: SensitivityPolicy = Field(default_factory=SensitivityPolicy)
    """Levels of findings and markers, and which level may reach which target."""
    detectors: list[Any] | None = None
    """Detectors to use instead of the default set (``None``: the defaults for the policy)."""
    extra_detectors: list[Any] = Field(default_factory=list)
    """Detectors added to the set, e.g. :class:`~hybridchain.PresidioDetector`."""
    budget: BudgetGuard | None = None
    """Cloud budgets; when one with ``action="route_local"`` is spent, requests go local."""

    _scanner: Scanner | None = PrivateAttr(default=None)

    @field_validator("detectors", "extra_detectors")
    @classmethod
    def _check_detectors(cls, value: Sequence[Any] | None) -> Sequence[Any] | None:
        for d in value or ():
            if not isinstance(d, Detector):
                raise TypeError(
                    f"{type(d).__name__} is not a detector: it needs a `name` and `detect(text)`"
                )
        return value

    @property
    def scanner(self) -> Scanner:
        """The scanner built from the detectors and the policy."""
        if self._scanner is None:
            base = self.detectors if self.detectors is not None else default_detectors(self.policy)
            self._scanner = Scanner([*base, *self.extra_detectors], self.policy)
        return self._scanner

    def scan(self, input: Any) -> SensitivityReport:
        """Scan every piece of text a model would see in ``input``.

        Args:
            input: ``str``, ``PromptValue``, messages (LangChain or OpenAI-style
                dicts), or a dict with ``messages``/``input``.

        Returns:
            The report: ``.level`` and ``.findings`` (types and positions).

        Raises:
            TypeError: If ``input`` is of a type the gate cannot read.
        """
        return self.scanner.scan_pieces(collect_pieces(input, walk_lc_input))

    # -- the one decision, shared by every entry point -------------------------------

    def _plan(self, input: Any, config: RunnableConfig) -> RoutePlan:
        pieces = collect_pieces(input, walk_lc_input)
        report = self.scanner.scan_pieces(pieces)
        inherited = inherited_sensitivity(config)
        level = max(report.level, inherited)
        policy = self.policy
        reasons: list[str] = []
        if report.errors:
            reasons.append(f"detector(s) {', '.join(report.errors)} failed: fail closed")
        if inherited > report.level:
            reasons.append(f"an outer component recorded {inherited}")
        if report.findings:
            reasons.append(f"found {', '.join(report.entity_types)}")
        may_cloud = policy.allows("cloud", level)
        extra: dict[str, Any] = {"mode": self.mode}

        def plan(target: Target, sent_level: Sensitivity, **kw: Any) -> RoutePlan:
            runnable = self.local if target == "local" else self.cloud
            decision = RouteDecision(
                "gate", target, tuple(reasons), level, report.findings, extra=dict(extra)
            )
            return RoutePlan(decision, sent_level, runnable, kw.pop("input", input), **kw)

        def blocked(why: str) -> RoutePlan:
            reasons.append(why)
            decision = RouteDecision(
                "gate", "blocked", tuple(reasons), level, report.findings, extra=extra
            )
            return RoutePlan(decision, level, error=SensitiveDataError(level, report.findings))

        def local_fallback() -> RoutePlan | None:
            # The local target may see everything: it gets the original input.
            if self.local is None:
                return None
            extra.pop("placeholders", None)
            return plan("local", level, keep_local=not may_cloud)

        def budget_allows() -> bool:
            if self.budget is None or self.cloud is None:
                return True
            return self.budget.allows_cloud(model_name(self.cloud), config.get("tags") or ())

        if self.cloud is None and self.local is None:
            raise ValueError("SensitivityGate needs a `local` or `cloud` target to be invoked")
        if may_cloud:
            reasons.append(f"{level} may reach the cloud")
            if self.cloud is None:
                return plan("local", level)
            if not budget_allows():
                reasons.append("cloud budget exhausted: routed local")
                if self.local is not None:
                    return plan("local", level)
                return blocked("cloud budget exhausted and no local target is set")
            return plan("cloud", level, fallback=local_fallback)
        if self.mode == "block":
            return blocked(f"{level} may not reach the cloud (mode=block)")
        if self.mode == "pseudonymize" and self.cloud is not None and not report.errors:
            hideable = [f for f in report.findings if f.entity_type not in policy.keep_local_types]
            kept = [f for f in report.findings if f.entity_type in policy.keep_local_types]
            residual = max((policy.level_of(f) for f in kept), default=Sensitivity.PUBLIC)
            residual = max(residual, inherited)
            if policy.allows("cloud", residual) and not budget_allows():
                reasons.append("cloud budget exhausted: pseudonymized request kept local")
            elif policy.allows("cloud", residual):
                pseudonymizer, masked = self._pseudonymize(input, report, pieces)
                extra["placeholders"] = len(pseudonymizer)
                reasons.append(f"values replaced by {len(pseudonymizer)} placeholder(s)")
                return plan(
                    "cloud",
                    residual,
                    input=masked,
                    pseudonymizer=pseudonymizer,
                    fallback=local_fallback,
                )
            else:
                reasons.append(f"{len(hideable)} value(s) could be hidden, but {residual} remains")
        if self.local is None:
            return blocked(f"{level} may not reach the cloud and no local target is set")
        reasons.append(f"{level} stays local")
        return plan("local", level, keep_local=True)

    def _pseudonymize(
        self, input: Any, report: SensitivityReport, pieces: Sequence[TextPiece]
    ) -> tuple[Pseudonymizer, Any]:
        by_piece: dict[tuple[int | None, str], list[Any]] = {}
        for f in report.findings:
            if f.entity_type not in self.policy.keep_local_types:
                by_piece.setdefault((f.message_index, f.path), []).append(f)
        pseudonymizer = Pseudonymizer([p.text for p in pieces])

        def visit(text: str, index: int | None, path: str) -> str:
            found = by_piece.get((index, path))
            return pseudonymizer.replace(text, found) if found else text

        return pseudonymizer, walk_lc_input(input, visit)
