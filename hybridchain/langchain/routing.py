"""The Runnable machinery every routing component shares: one plan, many entry points.

A component decides once per request in ``_plan`` (a pure decision, no I/O); ``invoke``,
``ainvoke``, ``stream``, ``astream``, ``transform``, ``atransform`` and the batch methods
only differ in how they call the chosen target.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForChainRun,
    CallbackManagerForChainRun,
    adispatch_custom_event,
    dispatch_custom_event,
)
from langchain_core.runnables import Runnable, RunnableConfig, RunnableSerializable
from langchain_core.runnables.base import coerce_to_runnable
from pydantic import ConfigDict, field_validator

from hybridchain.core.decision import EVENT_NAME, RouteDecision
from hybridchain.core.pseudonymize import Pseudonymizer
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.langchain.config import with_decision
from hybridchain.langchain.messages import walk_lc_output
from hybridchain.langchain.restore import ChunkRestorer

__all__ = ["RoutePlan", "RoutingRunnable", "model_name"]

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

    def finish(self, output: Any) -> Any:
        """Return the target's output, with placeholders restored."""
        if self.pseudonymizer is None:
            return output
        p = self.pseudonymizer
        return walk_lc_output(output, lambda text, _i, _p: p.restore(text))

    def restorer(self) -> ChunkRestorer | None:
        """Return a restorer for the target's stream (``None``: nothing to restore)."""
        return None if self.pseudonymizer is None else ChunkRestorer(self.pseudonymizer)


class RoutingRunnable(RunnableSerializable[Any, Any]):
    """Base of the components that choose, per request, which runnable answers."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

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
