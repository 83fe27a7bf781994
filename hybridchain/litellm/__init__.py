"""LiteLLM integration: Router strategy, fallback guard, cost logger and proxy guardrail.

:class:`~hybridchain.litellm.pseudonymizing_router.PseudonymizingRouter` wraps a
``litellm.Router`` so that sensitive requests reach the cloud with placeholders and answers
come back with the real values. The proxy guardrail (:mod:`hybridchain.litellm.proxy`) is
wired in the proxy's ``config.yaml``.

Importing this package does not import LiteLLM; the classes import it when first used
and raise :class:`~hybridchain.errors.MissingExtraError` when it is missing
(``pip install 'hybridchain[litellm]'``).

Tag each deployment of the Router's ``model_list`` with
``model_info: {"hybridchain": "local" | "cloud"}`` (or a ``litellm_params.tags`` entry
``"hybridchain:local"`` / ``"hybridchain:cloud"``); untagged deployments count as cloud.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from hybridchain.litellm.judge import DECISION_METADATA_KEY, RequestJudge
from hybridchain.litellm.proxy_plan import ProxyPlan, ProxyPlanner
from hybridchain.litellm.tags import TAG_KEY, TAG_PREFIX, DeploymentRoute, deployment_route

if TYPE_CHECKING:
    from hybridchain.litellm.cost_logger import HybridCostLogger, cost_event
    from hybridchain.litellm.guard import HybridFallbackGuard, UncheckedCloudCallError, call_route
    from hybridchain.litellm.proxy import HybridGuardrail
    from hybridchain.litellm.pseudonymizing_router import (
        PSEUDONYMIZED_METADATA_KEY,
        PseudonymizingRouter,
    )
    from hybridchain.litellm.strategy import HybridRoutingStrategy

__all__ = [
    "DECISION_METADATA_KEY",
    "PSEUDONYMIZED_METADATA_KEY",
    "TAG_KEY",
    "TAG_PREFIX",
    "DeploymentRoute",
    "HybridCostLogger",
    "HybridFallbackGuard",
    "HybridGuardrail",
    "HybridRoutingStrategy",
    "ProxyPlan",
    "ProxyPlanner",
    "PseudonymizingRouter",
    "RequestJudge",
    "UncheckedCloudCallError",
    "call_route",
    "cost_event",
    "deployment_route",
]

_LAZY = {
    "HybridCostLogger": "hybridchain.litellm.cost_logger",
    "cost_event": "hybridchain.litellm.cost_logger",
    "HybridFallbackGuard": "hybridchain.litellm.guard",
    "call_route": "hybridchain.litellm.guard",
    "UncheckedCloudCallError": "hybridchain.litellm.guard",
    "HybridGuardrail": "hybridchain.litellm.proxy",
    "HybridRoutingStrategy": "hybridchain.litellm.strategy",
    "PSEUDONYMIZED_METADATA_KEY": "hybridchain.litellm.pseudonymizing_router",
    "PseudonymizingRouter": "hybridchain.litellm.pseudonymizing_router",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)
