"""``ComplexityRouter``: simple prompts stay local, hard ones go to the strongest model."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from langchain_core.messages import BaseMessage, convert_to_openai_messages
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.base import coerce_to_runnable
from pydantic import Field, PrivateAttr, field_validator, model_validator

from hybridchain.core.complexity import FeatureScorer, Scorer, threshold_for_share
from hybridchain.core.cost.budget import BudgetGuard
from hybridchain.core.decision import RouteDecision, RouteTarget
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.errors import SensitiveDataError
from hybridchain.langchain.config import inherited_sensitivity
from hybridchain.langchain.routing import RoutePlan, RoutingRunnable, model_name

__all__ = ["ComplexityRouter", "Tier", "to_scorer_input"]

Tier = Literal["simple", "moderate", "complex"]
"""The seed's complexity tiers, lowest first."""

_TIER_ORDER: tuple[Tier, ...] = ("simple", "moderate", "complex")


def to_scorer_input(value: Any) -> str | list[dict[str, Any]]:
    """Convert a LangChain input to what a core scorer reads (a string or OpenAI-style dicts).

    Raises:
        TypeError: If the input is of a type no chat model accepts.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, PromptValue):
        value = value.to_messages()
    if isinstance(value, BaseMessage):
        value = [value]
    if isinstance(value, Mapping) and "role" not in value:
        if "messages" in value:
            value = value["messages"]
        elif isinstance(value.get("input"), str):
            return str(value["input"])
        else:
            raise TypeError("a dict input needs 'messages' or a string 'input'")
    if isinstance(value, Mapping):
        value = [value]
    if isinstance(value, list | tuple):
        try:
            return list(convert_to_openai_messages(list(value)))
        except (ValueError, NotImplementedError) as exc:
            raise TypeError(f"cannot read messages: {type(exc).__name__}") from None
    raise TypeError(
        f"cannot score a {type(value).__name__}; expected str, PromptValue, messages, "
        "or a dict with 'messages' or 'input'"
    )


class ComplexityRouter(RoutingRunnable):
    """Send simple requests to the local model and complex ones to the cloud.

    A scorer gives each request a complexity in ``[0, 1]`` (the whole conversation
    the model will see, the newest user turn weighted most). Scores at or above
    ``threshold`` are *complex*; with ``moderate_threshold`` set, scores in between
    are *moderate*. ``calibrate`` sets the threshold so that a chosen share of
    traffic goes to the cloud, as RouteLLM does.

    The router never sends to the cloud a request whose sensitivity level (recorded
    in the config metadata by a gate) the policy keeps local, nor one an exhausted
    budget keeps local: those go to the highest local tier.

    Example:
        >>> from hybridchain.testing import EchoChatModel
        >>> router = ComplexityRouter(
        ...     local=EchoChatModel(label="local"), cloud=EchoChatModel(label="cloud")
        ... )
        >>> router.invoke("hi!").content
        'local: hi!'
        >>> 0.0 <= router.score("Prove that there are infinitely many primes.") <= 1.0
        True
    """

    local: Runnable[Any, Any] | None = None
    """Target of simple (and moderate) requests."""
    cloud: Runnable[Any, Any] | None = None
    """Target of complex requests."""
    tiers: dict[Tier, Runnable[Any, Any]] = Field(default_factory=dict)
    """Targets by tier, instead of ``local``/``cloud``: ``{"simple": ..., "complex": ...}``."""
    cloud_tiers: frozenset[Tier] = frozenset({"complex"})
    """Tiers whose target is a cloud model (the others are local)."""
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """Scores at or above it are complex (cloud)."""
    moderate_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    """Scores at or above it (and below ``threshold``) are moderate."""
    scorer: Any = None
    """The scorer (``None``: the shipped :class:`~hybridchain.core.complexity.FeatureScorer`)."""
    policy: SensitivityPolicy = Field(default_factory=SensitivityPolicy)
    """Which sensitivity level may reach the cloud."""
    budget: BudgetGuard | None = None
    """Cloud budgets consulted before a request goes to the cloud."""

    _scorer: Scorer | None = PrivateAttr(default=None)

    @field_validator("tiers", mode="before")
    @classmethod
    def _coerce_tiers(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        unknown = set(value) - set(_TIER_ORDER)
        if unknown:
            raise ValueError(f"unknown tier(s) {sorted(unknown)}; use {list(_TIER_ORDER)}")
        return {k: coerce_to_runnable(v) for k, v in value.items()}

    @model_validator(mode="after")
    def _check(self) -> ComplexityRouter:
        if self.tiers and (self.local is not None or self.cloud is not None):
            raise ValueError("give either local=/cloud= or tiers=, not both")
        if self.moderate_threshold is not None and self.moderate_threshold > self.threshold:
            raise ValueError("moderate_threshold must not exceed threshold")
        if self.scorer is not None and not callable(getattr(self.scorer, "score", None)):
            raise TypeError(f"{type(self.scorer).__name__} is not a scorer: it needs score()")
        return self

    # -- scoring -----------------------------------------------------------------------

    @property
    def active_scorer(self) -> Scorer:
        """The scorer in use."""
        if self._scorer is None:
            self._scorer = self.scorer if self.scorer is not None else FeatureScorer.default()
        return self._scorer

    def score(self, input: Any) -> float:
        """Return the complexity of ``input`` in ``[0, 1]`` (higher: needs the stronger model)."""
        return float(self.active_scorer.score(to_scorer_input(input)))

    def tier_of(self, score: float) -> Tier:
        """Return the tier a score falls in."""
        if score >= self.threshold:
            return "complex"
        if self.moderate_threshold is not None and score >= self.moderate_threshold:
            return "moderate"
        return "simple"

    def calibrate(self, prompts: Iterable[Any], cloud_share: float = 0.3) -> float:
        """Set ``threshold`` so that ``cloud_share`` of prompts like these go to the cloud.

        Args:
            prompts: Representative requests (strings or messages).
            cloud_share: Wanted share of complex (cloud) requests, in ``[0, 1]``.

        Returns:
            The new threshold.
        """
        scores = [self.score(p) for p in prompts]
        self.threshold = min(1.0, threshold_for_share(scores, cloud_share))
        if self.moderate_threshold is not None:
            self.moderate_threshold = min(self.moderate_threshold, self.threshold)
        return self.threshold

    # -- the decision ------------------------------------------------------------------

    def _targets(self) -> dict[Tier, Runnable[Any, Any]]:
        if self.tiers:
            return dict(self.tiers)
        targets: dict[Tier, Runnable[Any, Any]] = {}
        if self.local is not None:
            targets["simple"] = self.local
        if self.cloud is not None:
            targets["complex"] = self.cloud
        return targets

    def _plan(self, input: Any, config: RunnableConfig) -> RoutePlan:
        score = self.score(input)
        wanted = self.tier_of(score)
        level = inherited_sensitivity(config)
        targets = self._targets()
        if not targets:
            raise ValueError("ComplexityRouter needs local=/cloud= or tiers= to be invoked")
        reasons = [f"complexity {score:.3f} → {wanted} (threshold {self.threshold:.3f})"]
        cloud_ok = self.policy.allows("cloud", level)
        if not cloud_ok:
            reasons.append(f"{level} may not reach the cloud")
        tier = self._pick(wanted, targets, cloud_ok, reasons, config.get("tags") or ())
        if tier is None:
            decision = RouteDecision("router", "blocked", tuple(reasons), level, complexity=score)
            return RoutePlan(decision, level, error=SensitiveDataError(level))
        extra: dict[str, Any] = {"wanted_tier": wanted, "threshold": self.threshold}
        if self.moderate_threshold is not None:
            extra["moderate_threshold"] = self.moderate_threshold

        def plan(tier: Tier, **kw: Any) -> RoutePlan:
            target: RouteTarget = "cloud" if tier in self.cloud_tiers else "local"
            decision = RouteDecision(
                "router",
                target,
                tuple(reasons),
                level,
                complexity=score,
                extra={"tier": tier, **extra},
            )
            return RoutePlan(decision, level, targets[tier], input, **kw)

        def fallback() -> RoutePlan | None:
            other = self._fallback_tier(tier, targets, cloud_ok, config)
            return None if other is None else plan(other, keep_local=not cloud_ok)

        return plan(tier, keep_local=not cloud_ok, fallback=fallback)

    def _fallback_tier(
        self,
        failed: Tier,
        targets: Mapping[Tier, Runnable[Any, Any]],
        cloud_ok: bool,
        config: RunnableConfig,
    ) -> Tier | None:
        """The tier that answers when ``failed`` is unavailable: the other side's best one.

        A cloud tier failed: the highest local tier. A local tier failed: the lowest cloud
        tier, if the policy and the budgets (checked now) let the request reach it.
        """
        if failed in self.cloud_tiers:
            local = [t for t in _TIER_ORDER if t in targets and t not in self.cloud_tiers]
            return local[-1] if local else None
        cloud = [t for t in _TIER_ORDER if t in targets and t in self.cloud_tiers]
        if not cloud or not cloud_ok:
            return None
        tags = config.get("tags") or ()
        if self.budget is not None and not self.budget.allows_cloud(
            model_name(targets[cloud[0]]), tags
        ):
            return None
        return cloud[0]

    def _pick(
        self,
        wanted: Tier,
        targets: Mapping[Tier, Runnable[Any, Any]],
        cloud_ok: bool,
        reasons: list[str],
        tags: Sequence[str] = (),
    ) -> Tier | None:
        """The tier that answers: ``wanted`` if allowed and present, else the nearest allowed."""
        budget_ok = True
        if cloud_ok and wanted in self.cloud_tiers and wanted in targets and self.budget:
            budget_ok = self.budget.allows_cloud(model_name(targets[wanted]), tags)
            if not budget_ok:
                reasons.append("cloud budget exhausted")
        allowed = [
            t
            for t in _TIER_ORDER
            if t in targets and (t not in self.cloud_tiers or (cloud_ok and budget_ok))
        ]
        if not allowed:
            reasons.append("no tier may take this request")
            return None
        if wanted in allowed:
            return wanted
        # Below the wanted tier, the strongest allowed one; else the weakest above it.
        rank = _TIER_ORDER.index(wanted)
        lower = [t for t in allowed if _TIER_ORDER.index(t) <= rank]
        chosen = lower[-1] if lower else allowed[0]
        reasons.append(f"answered by the {chosen} tier")
        return chosen
