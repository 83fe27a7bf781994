"""Pseudonymize mode for ``litellm.Router``: the cloud sees placeholders, the caller real values.

Usage::

    import litellm
    from hybridchain.litellm import HybridFallbackGuard, PseudonymizingRouter

    router = litellm.Router(model_list=[
        {"model_name": "chat", "litellm_params": {"model": "ollama/llama3"},
         "model_info": {"hybridchain": "local"}},
        {"model_name": "chat", "litellm_params": {"model": "gpt-4o"},
         "model_info": {"hybridchain": "cloud"}},
    ])
    chat = PseudonymizingRouter(router)    # installs HybridRoutingStrategy on the router
    litellm.callbacks.append(HybridFallbackGuard())
    answer = chat.completion(model="chat", messages=[
        {"role": "user", "content": "Draft a letter to ann@example.com about her refund"},
    ])  # the cloud saw <EMAIL_ADDRESS_1>; the answer has the address

Each request is scanned like :class:`~hybridchain.litellm.HybridRoutingStrategy` scans it
(every message, tool-call arguments decoded). A request the policy keeps from the cloud is
masked when pseudonymization can hide every finding (no detector failed, no
``keep_local_types`` entity such as a keyword ``MARKER`` that keeps it local): the masked
request is judged like a public one (complexity threshold, budgets) and, when that sends it
to the cloud, the router gets the masked messages and the answer comes back restored (message
content, streamed chunks, placeholders split across chunks, tool-call arguments
JSON-escaped). Otherwise the router gets the request unchanged and the strategy keeps it
local (or refuses it with :class:`~hybridchain.errors.SensitiveDataError` when the group has
no local deployment). Public requests pass unchanged.

The mapping lives in the call (or the stream) only. LiteLLM's own callbacks see what went to
and came from the model (placeholders): the caller gets a restored copy of the response. The
request ``metadata`` gets ``hybridchain_pseudonymized`` (entity types and positions, never
values) next to the strategy's ``hybridchain_decision``.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from hybridchain.core.complexity import Scorer
from hybridchain.core.cost.budget import BudgetGuard
from hybridchain.core.decision import RouteDecision
from hybridchain.core.detect.base import Detector
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.core.pseudonymize import Pseudonymizer
from hybridchain.litellm._deps import require_litellm
from hybridchain.litellm.judge import COMPONENT, RequestJudge
from hybridchain.litellm.masking import ChunkRestorer, mask_messages, restore_response
from hybridchain.litellm.tags import DeploymentRoute, deployment_route

require_litellm("PseudonymizingRouter")

from hybridchain.litellm.strategy import HybridRoutingStrategy  # noqa: E402

__all__ = ["PSEUDONYMIZED_METADATA_KEY", "PseudonymizingRouter"]

PSEUDONYMIZED_METADATA_KEY = "hybridchain_pseudonymized"
"""Request ``metadata`` key of a masked request's record (``RouteDecision.to_dict()``)."""


@dataclass(frozen=True)
class _Prepared:
    """What to send for one request. Holds raw values (``messages``, ``mapping``): never log it."""

    messages: Any
    """The messages to hand to the router (masked when ``mapping`` is set)."""
    mapping: Pseudonymizer | None = None
    """The request's mapping, to restore the answer; ``None`` when nothing was masked."""
    decision: RouteDecision | None = None
    """The record of the masking (entity types and positions only)."""


class PseudonymizingRouter:
    """Wrap a ``litellm.Router`` so that sensitive requests reach the cloud masked.

    Args:
        router: The ``litellm.Router`` whose ``model_list`` holds tagged deployments.
        policy: Sensitivity policy (the default policy if ``None``).
        detectors: Detectors to run (the policy's default set if ``None``).
        scorer: Complexity scorer (``FeatureScorer.default()`` if ``None``).
        threshold: Complexity score at or above which public (and masked) requests go to
            the cloud; 0 sends every masked request to the cloud.
        budget_guard: Consulted before a request goes to the cloud.
        strategy: A strategy already installed on ``router`` (its judge is shared and the
            five settings above are ignored); ``None`` installs a new one.

    Example (a sketch; the module docs show a router)::

        chat = PseudonymizingRouter(router, threshold=0.0)
        response = await chat.acompletion(model="chat", messages=messages, stream=True)
        async for chunk in response:
            ...  # chunks carry the real values, even when a placeholder was split
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
        strategy: HybridRoutingStrategy | None = None,
    ) -> None:
        self.router = router
        """The wrapped router."""
        self.strategy = strategy or HybridRoutingStrategy(
            router,
            policy=policy,
            detectors=detectors,
            scorer=scorer,
            threshold=threshold,
            budget_guard=budget_guard,
        )
        """Routes every request the router gets (masked, public or kept local)."""
        self.judge: RequestJudge = self.strategy.judge
        """Scans, scores and decides (shared with the strategy)."""
        self.last_decision: RouteDecision | None = None
        """The record of the latest masked request (``None`` until one is masked)."""

    def completion(self, model: str, messages: list[dict[str, Any]], **kwargs: Any) -> Any:
        """Call ``router.completion``, masking a sensitive request (see the module docs).

        Returns:
            The response, or with ``stream=True`` an iterator of chunks, restored.

        Raises:
            SensitiveDataError: The request may not reach the cloud, even masked, and the
                group has no local deployment.
            BudgetExceededError: A masked request meets a spent cloud budget and the group
                has no local deployment.
        """
        prepared = self._prepare(model, messages, kwargs)
        response = self.router.completion(model=model, messages=prepared.messages, **kwargs)
        return _answer(response, prepared.mapping, bool(kwargs.get("stream")), _restored_stream)

    async def acompletion(self, model: str, messages: list[dict[str, Any]], **kwargs: Any) -> Any:
        """Call ``router.acompletion``, masking a sensitive request (see the module docs).

        Returns:
            The response, or with ``stream=True`` an async iterator of chunks, restored.

        Raises:
            SensitiveDataError: The request may not reach the cloud, even masked, and the
                group has no local deployment.
            BudgetExceededError: A masked request meets a spent cloud budget and the group
                has no local deployment.
        """
        prepared = self._prepare(model, messages, kwargs)
        response = await self.router.acompletion(model=model, messages=prepared.messages, **kwargs)
        return _answer(response, prepared.mapping, bool(kwargs.get("stream")), _arestored_stream)

    def _prepare(self, model: str, messages: Any, kwargs: dict[str, Any]) -> _Prepared:
        prepared = self._plan(model, messages)
        if prepared.decision is not None:
            self.last_decision = prepared.decision
            metadata = kwargs.get("metadata")
            # A copy: the caller's dict may be reused for other requests.
            kwargs["metadata"] = {
                **(metadata if isinstance(metadata, dict) else {}),
                PSEUDONYMIZED_METADATA_KEY: prepared.decision.to_dict(),
            }
        return prepared

    def _plan(self, model: str, messages: Any) -> _Prepared:
        judge = self.judge
        report = judge.scan(messages)
        if judge.cloud_allowed(report) or report.errors:  # public, or fail closed: unchanged
            return _Prepared(messages)
        done = mask_messages(judge.policy, messages, report)
        if done is None:
            return _Prepared(messages)
        masked, mapping = done
        checked = judge.scan(masked)
        if checked.errors or not judge.cloud_allowed(checked):
            return _Prepared(messages)
        kinds = self._kinds(model)
        if "cloud" not in kinds:
            return _Prepared(messages)
        decision = judge.decide_report(model, checked, masked, available=kinds)
        if decision.target != "cloud":  # simple, or over budget: the raw request goes local
            return _Prepared(messages)
        extra = {**decision.extra, "mode": "pseudonymize", "placeholders": len(mapping)}
        record = RouteDecision(
            COMPONENT,
            "cloud",
            (f"values replaced by {len(mapping)} placeholder(s)", *decision.reasons),
            report.level,
            report.findings,
            decision.complexity,
            extra=extra,
        )
        return _Prepared(masked, mapping, record)

    def _kinds(self, model: str) -> tuple[DeploymentRoute, ...]:
        deployments = self.router.get_model_list(model_name=model) or []
        found = {deployment_route(d) for d in deployments}
        return tuple(k for k in ("local", "cloud") if k in found)


def _answer(
    response: Any,
    mapping: Pseudonymizer | None,
    stream: bool,
    restored_stream: Callable[[Any, Pseudonymizer], Any],
) -> Any:
    """The router's answer as the caller gets it: unchanged when nothing was masked."""
    if mapping is None:
        return response
    return restored_stream(response, mapping) if stream else _restored(response, mapping)


def _restored(response: Any, mapping: Pseudonymizer) -> Any:
    # LiteLLM's loggers may still hold `response`: they keep the masked text.
    restored = copy.deepcopy(response)
    restore_response(restored, mapping)
    return restored


def _restored_stream(chunks: Iterable[Any], mapping: Pseudonymizer) -> Iterator[Any]:
    restorer = ChunkRestorer(mapping)
    for chunk in chunks:
        yield _restored_chunk(chunk, restorer)
    closing = restorer.closing()
    if closing is not None:
        yield closing


async def _arestored_stream(
    chunks: AsyncIterable[Any], mapping: Pseudonymizer
) -> AsyncIterator[Any]:
    restorer = ChunkRestorer(mapping)
    async for chunk in chunks:
        yield _restored_chunk(chunk, restorer)
    closing = restorer.closing()
    if closing is not None:
        yield closing


def _restored_chunk(chunk: Any, restorer: ChunkRestorer) -> Any:
    # LiteLLM assembles the logged response from the chunks it yielded: restore a copy.
    restored = copy.deepcopy(chunk)
    restorer.restore(restored)
    return restored
