"""``SensitivityGate``: the sensitive-data gateway as a LangChain Runnable."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.callbacks import (
    AsyncCallbackManagerForChainRun,
    CallbackManagerForChainRun,
    adispatch_custom_event,
    dispatch_custom_event,
)
from langchain_core.runnables import Runnable, RunnableConfig, RunnableSerializable
from langchain_core.runnables.base import coerce_to_runnable
from pydantic import ConfigDict, Field, PrivateAttr, field_validator

from hybridchain.core.cost.budget import BudgetGuard
from hybridchain.core.decision import EVENT_NAME, RouteDecision
from hybridchain.core.detect.base import Detector
from hybridchain.core.detect.defaults import default_detectors
from hybridchain.core.findings import SensitivityReport
from hybridchain.core.policy import SensitivityPolicy, Target
from hybridchain.core.pseudonymize import Pseudonymizer
from hybridchain.core.scan import Scanner, TextPiece, collect_pieces
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import SensitiveDataError
from hybridchain.langchain.config import inherited_sensitivity, with_decision
from hybridchain.langchain.messages import walk_lc_input, walk_lc_output
from hybridchain.langchain.restore import ChunkRestorer

__all__ = ["GateMode", "SensitivityGate"]

logger = logging.getLogger("hybridchain.gate")

GateMode = Literal["route", "pseudonymize", "block"]
"""``route``: sensitive → local; ``pseudonymize``: placeholders → cloud → restored;
``block``: sensitive → :class:`SensitiveDataError`."""


@dataclass
class _Plan:
    """What one request does: the decision, and how to run and finish it."""

    decision: RouteDecision
    level: Sensitivity
    runnable: Runnable[Any, Any] | None = None
    input: Any = None
    pseudonymizer: Pseudonymizer | None = None
    error: Exception | None = None

    def finish(self, output: Any) -> Any:
        if self.pseudonymizer is None:
            return output
        p = self.pseudonymizer
        return walk_lc_output(output, lambda text, _i, _p: p.restore(text))

    def restorer(self) -> ChunkRestorer | None:
        return None if self.pseudonymizer is None else ChunkRestorer(self.pseudonymizer)


class SensitivityGate(RunnableSerializable[Any, Any]):
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

    model_config = ConfigDict(arbitrary_types_allowed=True)

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

    @field_validator("local", "cloud", mode="before")
    @classmethod
    def _coerce(cls, value: Any) -> Any:
        return None if value is None else coerce_to_runnable(value)

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

    def _plan(self, input: Any, config: RunnableConfig) -> _Plan:
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

        def plan(target: Target, sent_level: Sensitivity, **kw: Any) -> _Plan:
            runnable = self.local if target == "local" else self.cloud
            decision = RouteDecision(
                "gate", target, tuple(reasons), level, report.findings, extra=extra
            )
            return _Plan(decision, sent_level, runnable, kw.pop("input", input), **kw)

        def blocked(why: str) -> _Plan:
            reasons.append(why)
            decision = RouteDecision(
                "gate", "blocked", tuple(reasons), level, report.findings, extra=extra
            )
            return _Plan(decision, level, error=SensitiveDataError(level, report.findings))

        if self.cloud is None and self.local is None:
            raise ValueError("SensitivityGate needs a `local` or `cloud` target to be invoked")
        if may_cloud:
            reasons.append(f"{level} may reach the cloud")
            if self.cloud is None:
                return plan("local", level)
            if self.budget is not None and not self.budget.allows_cloud(
                _model_name(self.cloud), config.get("tags") or ()
            ):
                reasons.append("cloud budget exhausted: routed local")
                if self.local is not None:
                    return plan("local", level)
                return blocked("cloud budget exhausted and no local target is set")
            return plan("cloud", level)
        if self.mode == "block":
            return blocked(f"{level} may not reach the cloud (mode=block)")
        if self.mode == "pseudonymize" and self.cloud is not None and not report.errors:
            hideable = [f for f in report.findings if f.entity_type not in policy.keep_local_types]
            kept = [f for f in report.findings if f.entity_type in policy.keep_local_types]
            residual = max((policy.level_of(f) for f in kept), default=Sensitivity.PUBLIC)
            residual = max(residual, inherited)
            if policy.allows("cloud", residual):
                pseudonymizer, masked = self._pseudonymize(input, report, pieces)
                extra["placeholders"] = len(pseudonymizer)
                reasons.append(f"values replaced by {len(pseudonymizer)} placeholder(s)")
                return plan("cloud", residual, input=masked, pseudonymizer=pseudonymizer)
            reasons.append(f"{len(hideable)} value(s) could be hidden, but {residual} remains")
        if self.local is None:
            return blocked(f"{level} may not reach the cloud and no local target is set")
        reasons.append(f"{level} stays local")
        return plan("local", level)

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

    def _child_config(self, plan: _Plan, config: RunnableConfig, callbacks: Any) -> RunnableConfig:
        logger.debug("gate decision: %s", plan.decision.to_dict())
        return with_decision(config, plan.decision, plan.level, callbacks=callbacks)

    # -- entry points ------------------------------------------------------------------

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        """Scan ``input``, choose the target and return its (restored) output."""
        return self._call_with_config(self._invoke, input, config, **kwargs)

    async def ainvoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        """Async twin of :meth:`invoke`."""
        return await self._acall_with_config(self._ainvoke, input, config, **kwargs)

    def _invoke(
        self,
        input: Any,
        run_manager: CallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,
    ) -> Any:
        plan = self._plan(input, config)
        dispatch_custom_event(EVENT_NAME, plan.decision.to_dict(), config=config)
        if plan.error is not None:
            raise plan.error
        assert plan.runnable is not None
        child = self._child_config(plan, config, run_manager.get_child())
        return plan.finish(plan.runnable.invoke(plan.input, child, **kwargs))

    async def _ainvoke(
        self,
        input: Any,
        run_manager: AsyncCallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,
    ) -> Any:
        plan = self._plan(input, config)
        await adispatch_custom_event(EVENT_NAME, plan.decision.to_dict(), config=config)
        if plan.error is not None:
            raise plan.error
        assert plan.runnable is not None
        child = self._child_config(plan, config, run_manager.get_child())
        return plan.finish(await plan.runnable.ainvoke(plan.input, child, **kwargs))

    def transform(
        self, input: Iterator[Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Any]:
        """Stream the chosen target's chunks (restored in pseudonymize mode)."""
        yield from self._transform_stream_with_config(input, self._transform, config, **kwargs)

    def stream(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Any]:
        """Stream the chosen target's chunks (restored in pseudonymize mode)."""
        yield from self.transform(iter([input]), config, **kwargs)

    async def atransform(
        self, input: AsyncIterator[Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        """Async twin of :meth:`transform`."""
        async for chunk in self._atransform_stream_with_config(
            input, self._atransform, config, **kwargs
        ):
            yield chunk

    async def astream(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        """Async twin of :meth:`stream`."""

        async def once() -> AsyncIterator[Any]:
            yield input

        async for chunk in self.atransform(once(), config, **kwargs):
            yield chunk

    def _transform(
        self,
        chunks: Iterator[Any],
        run_manager: CallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,
    ) -> Iterator[Any]:
        plan = self._plan(_join(chunks), config)
        dispatch_custom_event(EVENT_NAME, plan.decision.to_dict(), config=config)
        if plan.error is not None:
            raise plan.error
        assert plan.runnable is not None
        child = self._child_config(plan, config, run_manager.get_child())
        restorer = plan.restorer()
        for chunk in plan.runnable.stream(plan.input, child, **kwargs):
            yield chunk if restorer is None else restorer.restore(chunk)
        last = None if restorer is None else restorer.flush()
        if last is not None:
            yield last

    async def _atransform(
        self,
        chunks: AsyncIterator[Any],
        run_manager: AsyncCallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,
    ) -> AsyncIterator[Any]:
        plan = self._plan(await _ajoin(chunks), config)
        await adispatch_custom_event(EVENT_NAME, plan.decision.to_dict(), config=config)
        if plan.error is not None:
            raise plan.error
        assert plan.runnable is not None
        child = self._child_config(plan, config, run_manager.get_child())
        restorer = plan.restorer()
        async for chunk in plan.runnable.astream(plan.input, child, **kwargs):
            yield chunk if restorer is None else restorer.restore(chunk)
        last = None if restorer is None else restorer.flush()
        if last is not None:
            yield last


def _model_name(runnable: Runnable[Any, Any]) -> str | None:
    name = getattr(runnable, "model_name", None) or getattr(runnable, "model", None)
    return name if isinstance(name, str) else None


def _join(chunks: Iterator[Any]) -> Any:
    final: Any = None
    for chunk in chunks:
        final = chunk if final is None else final + chunk
    return final


async def _ajoin(chunks: AsyncIterator[Any]) -> Any:
    final: Any = None
    async for chunk in chunks:
        final = chunk if final is None else final + chunk
    return final
