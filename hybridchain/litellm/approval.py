"""The hand-over between the routing strategy and the guard on LiteLLM's synchronous path.

LiteLLM's synchronous ``Router`` calls (``completion``, ``embedding``, …) offer a callback
no hook that sees both the chosen deployment and the messages: ``pre_call_check`` gets
the deployment only. So :class:`~hybridchain.litellm.strategy.HybridRoutingStrategy`
records, for the current thread and context, which cloud deployment it approved for the
request it just judged, and :class:`~hybridchain.litellm.guard.HybridFallbackGuard`
lets a synchronous cloud call through only when it is that approved deployment. A
synchronous cloud call nobody judged is refused: fail closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

__all__ = ["approve_cloud", "deployment_id", "take_approval"]

_APPROVED: ContextVar[str | None] = ContextVar("hybridchain_cloud_approval", default=None)


def deployment_id(deployment: Mapping[str, Any]) -> str | None:
    """Return the Router's id of a deployment (``model_info.id``), if it has one."""
    info = deployment.get("model_info")
    found = info.get("id") if isinstance(info, Mapping) else None
    return None if found is None else str(found)


def approve_cloud(deployment: Mapping[str, Any] | None) -> None:
    """Record that the request being routed may go to this cloud deployment (``None``: none).

    >>> approve_cloud({"model_info": {"id": "d1"}})
    >>> take_approval({"model_info": {"id": "d1"}})
    True
    >>> take_approval({"model_info": {"id": "d1"}})  # an approval is used once
    False
    """
    _APPROVED.set(None if deployment is None else deployment_id(deployment))


def take_approval(deployment: Mapping[str, Any]) -> bool:
    """Whether this deployment was the approved one; the approval is used up either way."""
    approved = _APPROVED.get()
    _APPROVED.set(None)
    found = deployment_id(deployment)
    return approved is not None and found is not None and approved == found
