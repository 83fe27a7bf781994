"""The Runnable machinery every routing component shares: one plan, many entry points.

A component decides once per request in ``_plan`` (a pure decision, no I/O); ``invoke``,
``ainvoke``, ``stream``, ``astream``, ``transform``, ``atransform`` and the batch methods
only differ in how they call the chosen target. When the chosen target is unavailable,
:meth:`RoutingRunnable._recover` (one decision, shared by every entry point too) says what
runs instead; see :class:`RoutingRunnable` for what a caller sees.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from langchain_core.callbacks import (
    AsyncCallbackManagerForChainRun,
    CallbackManagerForChainRun,
    adispatch_custom_event,
    dispatch_custom_event,
)
from langchain_core.messages import BaseMessageChunk
from langchain_core.runnables import Runnable, RunnableConfig, RunnableSerializable
from langchain_core.runnables.base import coerce_to_runnable
from pydantic import ConfigDict, field_validator

from hybridchain.core.availability import (
    FALLBACK_EVENT,
    FALLBACK_KEY,
    FallbackOn,
    mark_exhausted,
    unavailable_reason,
    was_exhausted,
)
from hybridchain.core.confidence.errors import LocalModelUnavailableError
from hybridchain.core.decision import EVENT_NAME, RouteDecision
from hybridchain.core.pseudonymize import Pseudonymizer
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.langchain.config import with_decision
from hybridchain.langchain.messages import walk_lc_output
from hybridchain.langchain.restore import ChunkRestorer

__all__ = ["Recoverable", "RoutePlan", "RoutingRunnable", "model_name", "recover", "unavailable"]

logger = logging.getLogger("hybridchain.routing")


@dataclass
class RoutePlan:
    """What one request does: the decision, and how to run and finish it."""

    decision: RouteDecision
    """The decision record (dispatched as an event, put in the child's metadata)."""
    level: Sensitivity
    """The sensitivity level of what is passed on to the target."""
    runnable: Runnable[Any, Any] | None = None
    """The chosen target; ``None`` when the request is blocked."""
    input: Any = None
    """What the target receives (pseudonymized where the mode says so)."""
    pseudonymizer: Pseudonymizer | None = None
    """The request's placeholder mapping, when values were replaced."""
    error: Exception | None = None
    """The error to raise instead of calling a target."""
    keep_local: bool = False
    """Whether the policy keeps this request off the cloud: if its local target is
    unavailable, :class:`~hybridchain.core.confidence.LocalModelUnavailableError` is raised."""
    fallback: Callable[[], RoutePlan | None] | None = None
    """Builds the plan to run when the target is unavailable (``None`` from it: no fallback).
    Called only then, so budgets are consulted at that moment."""
    fallback_from: dict[str, Any] | None = None
    """For a fallback plan: what failed (``from``, ``error``, ``reason``)."""

    def finish(self, output: Any) -> Any:
        """Return the target's output, with placeholders restored."""
        if self.pseudonymizer is None:
            return output
        p = self.pseudonymizer
        return walk_lc_output(output, lambda text, _i, _p: p.restore(text))

    def restorer(self) -> ChunkRestorer | None:
        """Return a restorer for the target's stream (``None``: nothing to restore)."""
        return None if self.pseudonymizer is None else ChunkRestorer(self.pseudonymizer)

    def target(self) -> Runnable[Any, Any]:
        """Return the runnable to call, or raise the plan's error (a blocked request)."""
        if self.error is not None:
            raise self.error
        assert self.runnable is not None
        return self.runnable

    def events(self) -> list[tuple[str, dict[str, Any]]]:
        """Return the custom events announcing this plan (a fallback, then its decision)."""
        if self.fallback_from is None:
            return [(EVENT_NAME, self.decision.to_dict())]
        return [(FALLBACK_EVENT, dict(self.fallback_from)), (EVENT_NAME, self.decision.to_dict())]

    def mark(self, chunk: Any, index: int) -> Any:
        """Mark the first chunk of a fallback answer that follows discarded chunks."""
        failed = self.fallback_from
        if index or failed is None or not failed["chunks_discarded"]:
            return chunk
        if not isinstance(chunk, BaseMessageChunk):
            return chunk
        metadata = {**chunk.response_metadata, FALLBACK_KEY: dict(failed)}
        return chunk.model_copy(update={"response_metadata": metadata})


class RoutingRunnable(RunnableSerializable[Any, Any]):
    """Base of the components that choose, per request, which runnable answers.

    **Fallback.** When the chosen target raises an error that means it is unavailable
    (``fallback_on``; by default :func:`~hybridchain.is_unavailable`: connection errors,
    timeouts, dropped connections, HTTP 5xx and 429):

    - a request the policy lets reach the cloud, whose local target failed, goes to the
      cloud target, unless a cloud budget is exhausted (``route_local``: the local error
      is raised; ``raise``: :class:`~hybridchain.BudgetExceededError`);
    - a request the policy keeps local, whose local target failed, raises
      :class:`~hybridchain.core.confidence.LocalModelUnavailableError` (level and entity
      types only; the causes on ``.failures``): it never reaches the cloud;
    - a request whose cloud target failed goes to the local target, with the original
      input (a pseudonymized request's fallback to the cloud, in a router under a gate,
      only ever carries the placeholders the gate passed on).

    A fallback dispatches the custom event ``hybridchain_fallback`` (``component``,
    ``from``, ``to``, ``error``: the exception type, ``reason``, ``chunks_discarded``),
    then a second ``hybridchain_decision`` whose ``extra["fallback"]`` says what failed. If
    the fallback target fails too, its error is raised and outer components do not try
    again. Errors that do not mean unavailability are raised unchanged.

    **Streams.** A failure before the first chunk falls back transparently. A failure
    after ``n`` chunks were yielded (say, the local server killed mid-stream) yields, for a
    request that may fall back, the ``hybridchain_fallback`` event with
    ``chunks_discarded=n`` and then the fallback target's whole answer, whose first
    message chunk carries ``response_metadata["hybridchain_fallback"]`` (the same record):
    a caller discards the ``n`` chunks it got before that one. A request kept local raises
    ``LocalModelUnavailableError`` after the partial chunks instead.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    fallback: bool = True
    """Whether an unavailable target hands the request over to the other one."""
    fallback_on: FallbackOn | None = None
    """Which exceptions mean a target is unavailable (``None``: ``is_unavailable``)."""

    @field_validator("local", "cloud", mode="before", check_fields=False)
    @classmethod
    def _coerce_target(cls, value: Any) -> Any:
        # Like LCEL: a function or a dict of runnables is a target too.
        return None if value is None else coerce_to_runnable(value)

    def _plan(self, input: Any, config: RunnableConfig) -> RoutePlan:
        """Decide where ``input`` goes; subclasses implement it."""
        raise NotImplementedError

    def _child_config(
        self, plan: RoutePlan, config: RunnableConfig, callbacks: Any
    ) -> RunnableConfig:
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
        while True:
            runnable = plan.target()
            child = self._child_config(plan, config, run_manager.get_child())
            try:
                return plan.finish(runnable.invoke(plan.input, child, **kwargs))
            except Exception as exc:
                plan = self._recover(plan, exc, 0)
            for name, data in plan.events():
                dispatch_custom_event(name, data, config=config)

    async def _ainvoke(
        self,
        input: Any,
        run_manager: AsyncCallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,
    ) -> Any:
        plan = self._plan(input, config)
        await adispatch_custom_event(EVENT_NAME, plan.decision.to_dict(), config=config)
        while True:
            runnable = plan.target()
            child = self._child_config(plan, config, run_manager.get_child())
            try:
                return plan.finish(await runnable.ainvoke(plan.input, child, **kwargs))
            except Exception as exc:
                plan = self._recover(plan, exc, 0)
            for name, data in plan.events():
                await adispatch_custom_event(name, data, config=config)

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
        while True:
            runnable = plan.target()
            child = self._child_config(plan, config, run_manager.get_child())
            restorer = plan.restorer()
            emitted = 0
            failure: Exception | None = None
            try:
                stream = iter(runnable.stream(plan.input, child, **kwargs))
            except Exception as exc:
                stream, failure = iter(()), exc
            while failure is None:
                # The target is advanced here and the chunk yielded outside the ``try``, so
                # that only the target's own errors lead to a fallback.
                try:
                    chunk = next(stream)
                except StopIteration:
                    break
                except Exception as exc:
                    failure = exc
                    break
                yield plan.mark(chunk if restorer is None else restorer.restore(chunk), emitted)
                emitted += 1
            if failure is None:
                last = None if restorer is None else restorer.flush()
                if last is not None:
                    yield last
                return
            plan = self._recover(plan, failure, emitted)
            for name, data in plan.events():
                dispatch_custom_event(name, data, config=config)

    async def _atransform(
        self,
        chunks: AsyncIterator[Any],
        run_manager: AsyncCallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,
    ) -> AsyncIterator[Any]:
        plan = self._plan(await _ajoin(chunks), config)
        await adispatch_custom_event(EVENT_NAME, plan.decision.to_dict(), config=config)
        while True:
            runnable = plan.target()
            child = self._child_config(plan, config, run_manager.get_child())
            restorer = plan.restorer()
            emitted = 0
            failure: Exception | None = None
            try:
                stream = aiter(runnable.astream(plan.input, child, **kwargs))
            except Exception as exc:
                stream, failure = _aempty(), exc
            while failure is None:
                try:
                    chunk = await anext(stream)
                except StopAsyncIteration:
                    break
                except Exception as exc:
                    failure = exc
                    break
                yield plan.mark(chunk if restorer is None else restorer.restore(chunk), emitted)
                emitted += 1
            if failure is None:
                last = None if restorer is None else restorer.flush()
                if last is not None:
                    yield last
                return
            plan = self._recover(plan, failure, emitted)
            for name, data in plan.events():
                await adispatch_custom_event(name, data, config=config)

    # -- the fallback decision, shared by every entry point ----------------------------

    def _unavailable(self, error: BaseException) -> str | None:
        return unavailable(error, self.fallback_on)

    def _recover(self, plan: RoutePlan, error: Exception, emitted: int) -> RoutePlan:
        return recover(plan, error, emitted, fallback=self.fallback, fallback_on=self.fallback_on)


class Recoverable(Protocol):
    """What :func:`recover` reads of a plan (:class:`RoutePlan`, the middleware's choice)."""

    @property
    def decision(self) -> RouteDecision:
        """The decision record."""

    @property
    def level(self) -> Sensitivity:
        """The level of what the target is sent."""

    @property
    def keep_local(self) -> bool:
        """Whether the policy keeps the request off the cloud."""

    @property
    def fallback_from(self) -> dict[str, Any] | None:
        """For a fallback plan: what failed."""

    @property
    def fallback(self) -> Callable[[], Any] | None:
        """Builds the plan to run instead (``None`` from it: no fallback)."""


_P = TypeVar("_P", bound=Recoverable)


def unavailable(error: BaseException, fallback_on: FallbackOn | None = None) -> str | None:
    """Return why ``error`` means its target is unavailable.

    ``None``: it does not (by ``fallback_on``, else :func:`~hybridchain.is_unavailable`),
    or a fallback was already tried for it.
    """
    if was_exhausted(error):
        return None
    if fallback_on is not None:
        return type(error).__name__ if fallback_on(error) else None
    return unavailable_reason(error)


def recover(
    plan: _P,
    error: Exception,
    emitted: int | None,
    *,
    fallback: bool = True,
    fallback_on: FallbackOn | None = None,
) -> _P:
    """Return the plan to run after ``plan``'s target raised ``error``, or raise.

    The one fallback decision (see :class:`RoutingRunnable`): errors that are not
    unavailability are re-raised; a request kept local raises
    :class:`~hybridchain.core.confidence.LocalModelUnavailableError`; otherwise the
    plan's fallback runs once, recorded in its decision (``extra["fallback"]``) and
    ``fallback_from``.

    Args:
        plan: The plan whose target failed.
        error: What it raised.
        emitted: How many chunks of its answer were already yielded (``None``: unknown,
            as in the agent middleware, whose chunks stream through callbacks).
        fallback: Whether a fallback may run at all.
        fallback_on: Which exceptions mean unavailable (``None``: ``is_unavailable``).
    """
    reason = unavailable(error, fallback_on)
    if reason is None:
        raise error
    target = plan.decision.target
    if plan.keep_local and target == "local":
        types = tuple(dict.fromkeys(f.entity_type for f in plan.decision.findings))
        logger.warning(
            "%s: local target unavailable (%s) for a %s request kept local: not sent to the cloud",
            plan.decision.component,
            reason,
            plan.level,
        )
        raise LocalModelUnavailableError(
            plan.level, [type(error).__name__], [error], entity_types=types
        ) from None
    build = plan.fallback if fallback and plan.fallback_from is None else None
    alternate: _P | None = None if build is None else build()
    if alternate is None:
        if plan.fallback_from is not None:
            mark_exhausted(error)  # both targets were tried: outer components re-raise it
        raise error
    failed = {
        "component": plan.decision.component,
        "from": target,
        "to": alternate.decision.target,
        "error": type(error).__name__,
        "reason": reason,
        "chunks_discarded": emitted,
    }
    logger.warning(
        "%s: %s target unavailable (%s): fell back to %s",
        failed["component"],
        target,
        reason,
        failed["to"],
    )
    decision = alternate.decision
    why = f"{target} target unavailable ({reason}): fell back to {decision.target}"
    decision = dataclasses.replace(
        decision, reasons=(*decision.reasons, why), extra={**decision.extra, "fallback": failed}
    )
    return dataclasses.replace(alternate, decision=decision, fallback_from=failed)  # type: ignore[type-var]


def model_name(runnable: Runnable[Any, Any]) -> str | None:
    """Return the model name a chat model declares, if any."""
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


async def _aempty() -> AsyncIterator[Any]:
    return
    yield  # pragma: no cover - makes this an async generator
