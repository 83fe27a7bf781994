"""Read and record hybridchain's decisions in a LangChain run config."""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langchain_core.runnables.config import patch_config

from hybridchain.core.decision import DECISIONS_KEY, SENSITIVITY_KEY, RouteDecision
from hybridchain.core.sensitivity import Sensitivity

__all__ = ["inherited_sensitivity", "with_decision"]


def inherited_sensitivity(config: RunnableConfig | None) -> Sensitivity:
    """Return the level an outer component recorded in the config metadata (``PUBLIC`` if none).

    An unreadable value fails closed as ``RESTRICTED``.
    """
    metadata = (config or {}).get("metadata") or {}
    raw = metadata.get(SENSITIVITY_KEY)
    if raw is None:
        return Sensitivity.PUBLIC
    try:
        return Sensitivity(raw)
    except ValueError:
        return Sensitivity.RESTRICTED


def with_decision(
    config: RunnableConfig, decision: RouteDecision, level: Sensitivity, **patch: Any
) -> RunnableConfig:
    """Return a child config whose metadata carries the decision and the level passed on."""
    metadata = dict(config.get("metadata") or {})
    decisions = list(metadata.get(DECISIONS_KEY) or [])
    decisions.append(decision.to_dict())
    metadata[DECISIONS_KEY] = decisions
    metadata[SENSITIVITY_KEY] = str(level)
    child = patch_config(config, **patch)
    child["metadata"] = metadata
    return child
