"""A LiteLLM ``Router`` routing strategy that applies hybridchain's policy.

Usage::

    import litellm
    from hybridchain.litellm import HybridRoutingStrategy

    router = litellm.Router(model_list=[
        {"model_name": "chat", "litellm_params": {"model": "ollama/llama3"},
         "model_info": {"hybridchain": "local"}},
        {"model_name": "chat", "litellm_params": {"model": "gpt-4o"},
         "model_info": {"hybridchain": "cloud"}},
    ])
    HybridRoutingStrategy(router)          # installs itself on the router
    router.completion(model="chat", messages=[...])

Each request to a model group is scanned (every message, the system prompt and
earlier turns included): data the policy keeps local only ever goes to a ``local``
deployment; public data goes to the cloud when its complexity score reaches the
threshold (and the budget allows), and stays local otherwise. The decision
(``RouteDecision.to_dict()``, no raw values) is stored in the request's
``metadata["hybridchain_decision"]``, which LiteLLM hands to its loggers.

LiteLLM's fallbacks pick their deployment through the same strategy, so a fallback to a
cloud-only group is refused for a request the policy keeps local. Add
:class:`~hybridchain.litellm.guard.HybridFallbackGuard` to ``litellm.callbacks`` as a
second, deployment-level check.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from hybridchain.core.complexity import Scorer
from hybridchain.core.cost.budget import BudgetGuard
from hybridchain.core.decision import RouteDecision
from hybridchain.core.detect.base import Detector
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.litellm._deps import require_litellm
from hybridchain.litellm.approval import approve_cloud
from hybridchain.litellm.judge import DECISION_METADATA_KEY, RequestJudge
from hybridchain.litellm.tags import DeploymentRoute, deployment_route

require_litellm("HybridRoutingStrategy")

from litellm.types.router import CustomRoutingStrategyBase  # noqa: E402

__all__ = ["HybridRoutingStrategy"]


class HybridRoutingStrategy(CustomRoutingStrategyBase):
    """Pick a local or cloud deployment of the requested model group per request.

    Args:
        router: The ``litellm.Router`` whose ``model_list`` holds tagged deployments.
        policy: Sensitivity policy (the default policy if ``None``).
        detectors: Detectors to run (the policy's default set if ``None``).
        scorer: Complexity scorer (``FeatureScorer.default()`` if ``None``).
        threshold: Complexity score at or above which public requests go to the cloud.
        budget_guard: Consulted before a request goes to the cloud; an exhausted
            ``route_local`` budget keeps it local.
        install: Call ``router.set_custom_routing_strategy(self)``.
        rng: Chooses among several deployments of one kind (load balancing).
    """

    def __init__(
        self,
        router: Any,
        *,
        policy: SensitivityPolicy | None = None,
        detectors: Sequence[Detector] | None = None,
        scorer: Scorer | None = None,
        threshold: float = 0.5,
        budget_guard: BudgetGuard | None = None,
        install: bool = True,
        rng: random.Random | None = None,
    ) -> None:
        self.router = router
        self.judge = RequestJudge(
            policy,
            detectors=detectors,
            scorer=scorer,
            threshold=threshold,
            budget_guard=budget_guard,
        )
        self._rng = rng or random.Random()
        self.last_decision: RouteDecision | None = None
        """The latest decision (for inspection and tests)."""
        if install:
            router.set_custom_routing_strategy(self)

    async def async_get_available_deployment(  # type: ignore[override]
        self,
        model: str,
        messages: list[dict[str, str]] | None = None,
        input: str | list[Any] | None = None,
        specific_deployment: bool | None = False,
        request_kwargs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Return the deployment for a request (see the class docs).

        Raises:
            SensitiveDataError: The policy keeps the request local and the group has no
                local deployment.
        """
        if specific_deployment:
            return self._specific(model, messages, input, request_kwargs)
        healthy, everything = await self.router._async_get_healthy_deployments(model, None)
        return self._choose(model, messages, input, request_kwargs, healthy, everything)

    def get_available_deployment(  # type: ignore[override]
        self,
        model: str,
        messages: list[dict[str, str]] | None = None,
        input: str | list[Any] | None = None,
        specific_deployment: bool | None = False,
        request_kwargs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Return the deployment for a request (see the class docs).

        Raises:
            SensitiveDataError: The policy keeps the request local and the group has no
                local deployment.
        """
        approve_cloud(None)
        if specific_deployment:
            chosen = self._specific(model, messages, input, request_kwargs)
        else:
            healthy, everything = self.router._get_healthy_deployments(model, None)
            chosen = self._choose(model, messages, input, request_kwargs, healthy, everything)
        # The sync path has no hook that sees the messages: the guard's pre_call_check
        # lets a cloud call through only when it is the deployment judged here.
        approve_cloud(chosen if deployment_route(chosen) == "cloud" else None)
        return chosen

    def _choose(
        self,
        model: str,
        messages: Any,
        input: Any,
        request_kwargs: dict[str, Any] | None,
        healthy: Sequence[dict[str, Any]],
        everything: Sequence[dict[str, Any]] | dict[str, Any],
    ) -> dict[str, Any]:
        if isinstance(everything, Mapping):
            everything = [dict(everything)]
        pool = list(everything) or list(healthy)
        if not pool:
            raise ValueError(f"no deployments for model group {model!r}")
        # Prefer healthy deployments; a kind with none healthy falls back to all of it.
        by_kind: dict[DeploymentRoute, list[dict[str, Any]]] = {}
        for kind in ("local", "cloud"):
            fit = [d for d in healthy if deployment_route(d) == kind]
            by_kind[kind] = fit or [d for d in pool if deployment_route(d) == kind]
        available = tuple(k for k, v in by_kind.items() if v)
        decision = self.judge.decide(model, messages, input, available=available)
        chosen = self._rng.choice(by_kind[decision.target])  # type: ignore[index]  # never blocked
        _record(request_kwargs, decision, chosen)
        self.last_decision = decision
        return chosen

    def _specific(
        self, model: str, messages: Any, input: Any, request_kwargs: dict[str, Any] | None
    ) -> dict[str, Any]:
        found = self.router._common_checks_available_deployment(
            model=model, messages=messages, input=input, specific_deployment=True
        )[1]
        if isinstance(found, Mapping):
            return self._choose(model, messages, input, request_kwargs, [dict(found)], [])
        return self._choose(model, messages, input, request_kwargs, found, found)


def _record(
    request_kwargs: dict[str, Any] | None, decision: RouteDecision, chosen: Mapping[str, Any]
) -> None:
    if request_kwargs is None:
        return
    info = chosen.get("model_info")
    deployment_id = info.get("id") if isinstance(info, Mapping) else None
    data = decision.to_dict()
    if deployment_id is not None:
        data.setdefault("extra", {})["deployment_id"] = deployment_id
    metadata = request_kwargs.get("metadata")
    if metadata is None:
        metadata = request_kwargs["metadata"] = {}
    if isinstance(metadata, dict):
        metadata[DECISION_METADATA_KEY] = data
