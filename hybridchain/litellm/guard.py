"""A LiteLLM callback that keeps LiteLLM's own fallbacks and retries inside the policy.

LiteLLM's ``fallbacks``, context-window fallbacks and retries pick a new deployment
after a failure. :class:`HybridFallbackGuard` re-checks every such pick::

    import litellm
    from hybridchain.litellm import HybridFallbackGuard

    litellm.callbacks.append(HybridFallbackGuard())

It acts at three LiteLLM hooks:

* ``async_filter_deployments`` (router, before a deployment is picked by LiteLLM's
  built-in strategies): drops cloud deployments from the candidates of a request the
  policy keeps local, and raises :class:`~hybridchain.errors.SensitiveDataError` when
  none is left.
* ``async_pre_call_deployment_hook`` (every async call, after the deployment is picked,
  before the provider is called; mocked calls included): re-scans the messages about
  to be sent and raises :class:`~hybridchain.errors.SensitiveDataError` when the
  deployment is cloud (see :mod:`hybridchain.litellm.tags`) and the level may not go
  there.

* ``pre_call_check`` (LiteLLM's synchronous ``Router`` path: ``completion``,
  ``embedding``, …, retries and fallbacks included): that path has no hook that sees
  the messages, so a cloud deployment passes only when
  :class:`~hybridchain.litellm.strategy.HybridRoutingStrategy` judged the request and
  picked it; otherwise :class:`UncheckedCloudCallError` (fail closed). Use the strategy
  with synchronous calls. (LiteLLM skips this check when a call names a deployment id
  instead of a model group; the strategy still judges those.)
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from hybridchain.core.detect.base import Detector
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.errors import HybridchainError, SensitiveDataError
from hybridchain.litellm._deps import require_litellm
from hybridchain.litellm.approval import take_approval
from hybridchain.litellm.judge import RequestJudge
from hybridchain.litellm.tags import DeploymentRoute, deployment_route

require_litellm("HybridFallbackGuard")

from litellm.integrations.custom_logger import CustomLogger  # noqa: E402

__all__ = ["HybridFallbackGuard", "UncheckedCloudCallError", "call_route"]


def call_route(kwargs: Mapping[str, Any]) -> DeploymentRoute:
    """Return the route of the deployment a LiteLLM call's kwargs are bound for.

    Reads the ``model_info`` and ``tags`` the router adds to the call's metadata (or,
    in a logging callback, to ``litellm_params``); a call without them counts as cloud.
    """
    infos: list[Any] = [kwargs.get("model_info")]
    tags: list[Any] = [kwargs.get("tags")]
    params = kwargs.get("litellm_params")
    for holder in (kwargs, params if isinstance(params, Mapping) else {}):
        for key in ("metadata", "litellm_metadata"):
            meta = holder.get(key)
            if isinstance(meta, Mapping):
                infos.append(meta.get("model_info"))
                tags.append(meta.get("tags"))
                deployment = meta.get("deployment")
                if isinstance(deployment, Mapping):
                    infos.append(deployment.get("model_info"))
        if holder is not kwargs:
            infos.append(holder.get("model_info"))
    for info in infos:
        if isinstance(info, Mapping) and info.get("hybridchain") is not None:
            return deployment_route({"model_info": info})
    for tag_list in tags:
        if isinstance(tag_list, list | tuple) and tag_list:
            if deployment_route({"litellm_params": {"tags": list(tag_list)}}) == "local":
                return "local"
    return "cloud"


class UncheckedCloudCallError(HybridchainError):
    """A synchronous LiteLLM call would reach a cloud deployment that nobody checked."""


class HybridFallbackGuard(CustomLogger):
    """Refuse to send data the policy keeps local to a cloud deployment, whoever picked it.

    Args:
        policy: Sensitivity policy (the default policy if ``None``).
        detectors: Detectors to run (the policy's default set if ``None``).
        judge: A ready judge (shares the strategy's scanner); overrides the two above.
    """

    def __init__(
        self,
        policy: SensitivityPolicy | None = None,
        *,
        detectors: Sequence[Detector] | None = None,
        judge: RequestJudge | None = None,
    ) -> None:
        super().__init__()
        self.instance_id = uuid.uuid4().hex
        """Distinguishes instances: LiteLLM drops a callback equal to one it holds."""
        self.judge = judge or RequestJudge(policy, detectors=detectors)
        self.blocked = 0
        """How many calls or candidate lists this guard refused."""

    async def async_filter_deployments(
        self,
        model: str,
        healthy_deployments: list[dict[str, Any]],
        messages: list[Any] | None,
        request_kwargs: dict[str, Any] | None = None,
        parent_otel_span: Any = None,
    ) -> list[dict[str, Any]]:
        """Drop cloud candidates of a request the policy keeps local.

        Raises:
            SensitiveDataError: No local candidate is left.
        """
        if not healthy_deployments or all(
            deployment_route(d) == "local" for d in healthy_deployments
        ):
            return healthy_deployments
        report = self.judge.scan(messages, (request_kwargs or {}).get("input"))
        if self.judge.cloud_allowed(report):
            return healthy_deployments
        local = [d for d in healthy_deployments if deployment_route(d) == "local"]
        if not local:
            self.blocked += 1
            raise SensitiveDataError(report.level, report.findings)
        return local

    def pre_call_check(self, deployment: dict[str, Any]) -> dict[str, Any] | None:
        """Refuse a synchronous cloud call that ``HybridRoutingStrategy`` did not approve.

        LiteLLM's synchronous ``Router`` path calls this with the chosen deployment only
        (no messages), so a cloud deployment passes only when the strategy judged this
        request and picked it (see :mod:`hybridchain.litellm.approval`).

        Raises:
            UncheckedCloudCallError: A cloud deployment nobody judged the request for.
        """
        if deployment_route(deployment) == "local" or take_approval(deployment):
            return None
        self.blocked += 1
        raise UncheckedCloudCallError(
            "synchronous call to a cloud deployment refused: the request was not judged by "
            "HybridRoutingStrategy (install it on the Router, or call it asynchronously)"
        )

    async def async_pre_call_deployment_hook(
        self, kwargs: dict[str, Any], call_type: Any
    ) -> dict[str, Any] | None:
        """Raise before a cloud deployment is called with data the policy keeps local.

        Raises:
            SensitiveDataError: The deployment is cloud and the level may not go there.
        """
        if call_route(kwargs) == "local":
            return None
        report = self.judge.scan(kwargs.get("messages"), kwargs.get("input"))
        if not self.judge.cloud_allowed(report):
            self.blocked += 1
            raise SensitiveDataError(report.level, report.findings)
        return None
