"""Build the hybrid chain from the shared ``hybridchain`` configuration block."""

from __future__ import annotations

from typing import Any, TypedDict

from langchain_core.runnables import Runnable

from hybridchain.core.availability import FallbackOn
from hybridchain.core.config import HybridConfig
from hybridchain.core.cost.budget import BudgetGuard
from hybridchain.core.cost.ledger import Ledger
from hybridchain.core.cost.memory import MemoryLedger
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.langchain.escalator import ConfidenceEscalator
from hybridchain.langchain.gate import SensitivityGate
from hybridchain.langchain.router import ComplexityRouter

__all__ = ["hybrid_chain"]


class _Shared(TypedDict):
    """The settings every component of the chain takes from the block."""

    policy: SensitivityPolicy
    fallback: bool
    fallback_on: FallbackOn | None


def hybrid_chain(
    config: HybridConfig,
    *,
    local: Runnable[Any, Any],
    cloud: Runnable[Any, Any],
    ledger: Ledger | None = None,
) -> SensitivityGate:
    """Return gate → router → escalator, as DESIGN.md composes them, set up by ``config``.

    Data reaches ``cloud`` only through the gate's cloud branch; every component shares
    the configured policy, budgets and ``fallback`` settings.

    Args:
        config: The ``hybridchain`` block (see :func:`~hybridchain.core.config.load_config`).
        local: The local model.
        cloud: The cloud model.
        ledger: Where spending is read for the budgets (default: a new in-memory ledger;
            pass the CostMeter's so that the budgets see its calls).

    Example:
        >>> from hybridchain.core.config import load_config
        >>> from hybridchain.testing import EchoChatModel
        >>> cfg = load_config("hybridchain: {gate: {mode: route}}")
        >>> local, cloud = EchoChatModel(label="local"), EchoChatModel(label="cloud")
        >>> chain = hybrid_chain(cfg, local=local, cloud=cloud)
        >>> chain.invoke("My SSN is 536-22-8510").content.split(":")[0]
        'local'
    """
    guard = BudgetGuard(config.budgets, ledger or MemoryLedger()) if config.budgets else None
    shared = _Shared(
        policy=config.policy,
        fallback=config.fallback.enabled,
        fallback_on=config.fallback.fallback_on(),
    )
    escalator = ConfidenceEscalator(
        local=local, cloud=cloud, threshold=config.escalator.threshold, **shared
    )
    router = ComplexityRouter(
        local=escalator,
        cloud=cloud,
        threshold=config.router.threshold,
        moderate_threshold=config.router.moderate_threshold,
        budget=guard,
        **shared,
    )
    return SensitivityGate(local=local, cloud=router, mode=config.gate.mode, budget=guard, **shared)
