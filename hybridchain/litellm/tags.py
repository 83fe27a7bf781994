"""Which deployments of a LiteLLM ``model_list`` are local and which are cloud.

Tag a deployment in either of two ways::

    {"model_name": "chat", "litellm_params": {"model": "ollama/llama3"},
     "model_info": {"hybridchain": "local"}}
    {"model_name": "chat", "litellm_params": {"model": "gpt-4o", "tags": ["hybridchain:cloud"]}}

``model_info["hybridchain"]`` wins over the tags. An untagged deployment counts as
cloud: hybridchain never sends data it keeps local to a deployment it cannot place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

__all__ = ["TAG_KEY", "TAG_PREFIX", "DeploymentRoute", "deployment_route"]

TAG_KEY = "hybridchain"
"""``model_info`` key naming a deployment's route (``"local"`` or ``"cloud"``)."""
TAG_PREFIX = "hybridchain:"
"""Prefix of the ``litellm_params.tags`` entry naming a route (``hybridchain:local``)."""

DeploymentRoute = Literal["local", "cloud"]
"""Where a deployment runs."""


def deployment_route(deployment: Mapping[str, Any] | None) -> DeploymentRoute:
    """Return where a deployment runs; untagged and unknown deployments count as cloud.

    Args:
        deployment: A ``model_list`` entry (``litellm_params``, ``model_info``).

    >>> deployment_route({"model_info": {"hybridchain": "local"}})
    'local'
    >>> deployment_route({"litellm_params": {"tags": ["hybridchain:local"]}})
    'local'
    >>> deployment_route({"litellm_params": {"model": "gpt-4o"}})
    'cloud'
    """
    if not deployment:
        return "cloud"
    info = deployment.get("model_info")
    if isinstance(info, Mapping):
        tagged = _route(info.get(TAG_KEY))
        if tagged is not None:
            return tagged
    params = deployment.get("litellm_params")
    tags = params.get("tags") if isinstance(params, Mapping) else None
    if isinstance(tags, list | tuple):
        for tag in tags:
            if isinstance(tag, str) and tag.startswith(TAG_PREFIX):
                tagged = _route(tag[len(TAG_PREFIX) :])
                if tagged is not None:
                    return tagged
    return "cloud"


def _route(value: object) -> DeploymentRoute | None:
    if isinstance(value, str):
        value = value.strip().lower()
        if value == "local":
            return "local"
        if value == "cloud":
            return "cloud"
    return None
