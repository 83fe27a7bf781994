"""LangChain v1 agent middleware: the hybrid components inside ``create_agent``'s loop.

:class:`HybridRoutingMiddleware` chooses the model of every model call an agent makes
(sensitive → local, public and complex → cloud, public and simple → local), and
:class:`CostMeterMiddleware` prices every one of those calls.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import adispatch_custom_event, dispatch_custom_event
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, SystemMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.runnables.config import ensure_config, var_child_runnable_config

from hybridchain.core.availability import FALLBACK_EVENT, FallbackOn
from hybridchain.core.cost.budget import BudgetGuard
from hybridchain.core.decision import EVENT_NAME, RouteDecision, RouteTarget
from hybridchain.core.pseudonymize import Pseudonymizer
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import MissingExtraError
from hybridchain.langchain.config import with_decision
from hybridchain.langchain.cost_meter import CostMeter, _meter_var
from hybridchain.langchain.gate import GateMode, SensitivityGate
from hybridchain.langchain.messages import walk_lc_output
from hybridchain.langchain.router import ComplexityRouter
from hybridchain.langchain.routing import model_name, recover

try:
    from langchain.agents.middleware import (
        AgentMiddleware,
        AgentState,
        ModelRequest,
        ModelResponse,
    )
    from langgraph.config import get_stream_writer
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("the LangChain agent middleware", "agents") from err

__all__ = ["CostMeterMiddleware", "HybridRoutingMiddleware"]

_Handler = Callable[[ModelRequest[Any]], ModelResponse[Any]]
_AsyncHandler = Callable[[ModelRequest[Any]], Awaitable[ModelResponse[Any]]]


@dataclass(frozen=True)
class _Choice:
    """One model call's decision: the request to send and how to finish its response."""

    decision: RouteDecision
    level: Sensitivity
    request: ModelRequest[Any]
    pseudonymizer: Pseudonymizer | None = None
    error: Exception | None = None
    keep_local: bool = False
    """Whether the policy keeps this call off the cloud (see :func:`recover`)."""
    fallback: Callable[[], _Choice | None] | None = None
    """Builds the choice used when this one's model is unavailable."""
    fallback_from: dict[str, Any] | None = None
    """For a fallback choice: what failed."""

    def finish(self, response: ModelResponse[Any]) -> ModelResponse[Any]:
        """Put the real values back in the response (content, tool-call args, structure)."""
        p = self.pseudonymizer
        if p is None:
            return response

        def restore(value: Any) -> Any:
            return walk_lc_output(value, lambda text, _i, _p: p.restore(text))

        return ModelResponse(
            result=restore(list(response.result)),
            structured_response=restore(response.structured_response),
        )


class HybridRoutingMiddleware(AgentMiddleware[AgentState[Any], Any, Any]):
    """Choose, for every model call of an agent, whether the local or the cloud model runs.

    Before each call the whole conversation the model would see is scanned: the
    system prompt, every earlier turn, tool results and the arguments of earlier
    tool calls. Data the policy keeps local sends the call to ``local`` (or, with
    ``mode="pseudonymize"``, to ``cloud`` with placeholders, restored in the
    answer and in tool-call arguments before tools run). Calls the policy lets
    out are scored by ``router`` when one is set: complex → ``cloud``, simple →
    ``local``. An exhausted ``budget`` keeps calls local.

    Each decision (component ``"middleware"``; types and positions, never values)
    is dispatched as the custom event ``hybridchain_decision``, written to
    LangGraph's ``custom`` stream, and put in the model call's run metadata so that
    a :class:`~hybridchain.CostMeter` prices the call by its route.

    Placeholders live for one model call. The agent's state only ever holds real
    values (every response is restored before it enters the state), so each call
    re-masks the whole conversation with a fresh mapping: the same value gets the
    same placeholder in every message of that call, and since a conversation only
    grows and is scanned in order, a value keeps its placeholder from call to call.
    No mapping outlives the call, so none can leak into a checkpoint, another
    thread or a failed run.

    Example:
        >>> from langchain.agents import create_agent
        >>> from hybridchain.testing import EchoChatModel
        >>> local, cloud = EchoChatModel(label="local"), EchoChatModel(label="cloud")
        >>> agent = create_agent(
        ...     model=local, middleware=[HybridRoutingMiddleware(local=local, cloud=cloud)]
        ... )
        >>> agent.invoke({"messages": [("user", "My SSN is 536-22-8510")]})["messages"][-1].text
        'local: My SSN is 536-22-8510'
        >>> agent.invoke({"messages": [("user", "What is 2 + 2?")]})["messages"][-1].text
        'cloud: What is 2 + 2?'
    """

    def __init__(
        self,
        *,
        local: BaseChatModel,
        cloud: BaseChatModel,
        gate: SensitivityGate | None = None,
        router: ComplexityRouter | None = None,
        budget: BudgetGuard | None = None,
        mode: GateMode | None = None,
        fallback: bool = True,
        fallback_on: FallbackOn | None = None,
    ) -> None:
        """Configure the routing.

        Args:
            local: Model for sensitive calls, and for simple ones when a router is set.
            cloud: Model for calls the policy lets out (complex ones, with a router).
            gate: Scanner and policy (default: a :class:`SensitivityGate` with its defaults).
            router: Complexity scorer and threshold; ``None`` sends every allowed call to cloud.
            budget: Cloud budgets; when one with ``action="route_local"`` is spent,
                calls go local (default: the gate's budget).
            mode: ``route``, ``pseudonymize`` or ``block`` (default: the gate's mode).
            fallback: Whether a call whose model is unavailable goes to the other model
                (as :class:`~hybridchain.SensitivityGate` does; a call kept local raises
                :class:`~hybridchain.LocalModelUnavailableError` instead).
            fallback_on: Which exceptions mean unavailable (default:
                :func:`~hybridchain.is_unavailable`).
        """
        super().__init__()
        base = gate if gate is not None else SensitivityGate()
        self.local = local
        """Model for sensitive calls, and for simple ones when a router is set."""
        self.cloud = cloud
        """Model for calls the policy lets out."""
        self.router = router
        """Complexity router consulted for calls the policy lets out."""
        self.budget = budget if budget is not None else base.budget
        """Cloud budgets consulted before a call goes to the cloud."""
        self.fallback = fallback
        """Whether a call whose model is unavailable goes to the other model."""
        self.fallback_on = fallback_on
        """Which exceptions mean unavailable (``None``: ``is_unavailable``)."""
        # The gate's own decision function, aimed at our two models; the budget is
        # checked once, below, after the router has had its say.
        self.gate = base.model_copy(
            update={"local": local, "cloud": cloud, "mode": mode or base.mode, "budget": None}
        )
        """The gate whose scan and policy decide (a copy of the one given)."""

    # -- the one decision, shared by both entry points ---------------------------------

    def _decide(self, request: ModelRequest[Any], config: RunnableConfig) -> _Choice:
        """Decide where ``request`` goes and what that model is sent."""
        sent = _sent_messages(request)
        plan = self.gate._plan(sent, config)
        gate_decision = plan.decision
        level = gate_decision.sensitivity or plan.level
        reasons = list(gate_decision.reasons)
        extra: dict[str, Any] = dict(gate_decision.extra)

        def decision(target: RouteTarget, score: float | None = None) -> RouteDecision:
            return RouteDecision(
                "middleware",
                target,
                tuple(reasons),
                level,
                gate_decision.findings,
                complexity=score,
                extra=extra,
            )

        if plan.error is not None:
            return _Choice(decision("blocked"), level, request, error=plan.error)
        target = gate_decision.target
        score: float | None = None
        if target == "cloud" and self.router is not None:
            score = self.router.score(sent)
            tier = self.router.tier_of(score)
            extra["tier"] = tier
            reasons.append(f"complexity {score:.3f} → {tier}")
            if tier not in self.router.cloud_tiers:
                target = "local"
        cloud_allowed = gate_decision.target == "cloud"
        tags = config.get("tags") or ()

        def budget_allows() -> bool:
            return self.budget is None or self.budget.allows_cloud(model_name(self.cloud), tags)

        if target == "cloud" and not budget_allows():
            reasons.append("cloud budget exhausted: routed local")
            target = "local"

        def local_choice(**kw: Any) -> _Choice:
            # The local model may see everything: it gets the original request.
            local_extra = {k: v for k, v in extra.items() if k != "placeholders"}
            record = dataclasses.replace(decision("local", score), extra=local_extra)
            return _Choice(record, level, request.override(model=self.local), **kw)

        def cloud_choice(**kw: Any) -> _Choice:
            if plan.pseudonymizer is None:
                cloud_request = request.override(model=self.cloud)
            else:
                masked: list[Any] = plan.input  # the same messages, placeholders for values
                system = request.system_message
                cloud_request = request.override(
                    model=self.cloud,
                    system_message=masked[0] if system is not None else None,
                    messages=masked[1:] if system is not None else masked,
                )
            record = decision("cloud", score)
            return _Choice(record, plan.level, cloud_request, plan.pseudonymizer, **kw)

        def cloud_fallback() -> _Choice | None:
            # Only a call the gate let out, and only within budget (checked now).
            return cloud_choice() if cloud_allowed and budget_allows() else None

        if target == "local":
            return local_choice(keep_local=not cloud_allowed, fallback=cloud_fallback)
        return cloud_choice(fallback=lambda: local_choice(keep_local=not cloud_allowed))

    # -- entry points ------------------------------------------------------------------

    def wrap_model_call(self, request: ModelRequest[Any], handler: _Handler) -> ModelResponse[Any]:
        """Send the call to the chosen model; restore its answer in pseudonymize mode."""
        config = ensure_config()
        choice = self._decide(request, config)
        while True:
            for name, data in _events(choice):
                _write(data)
                if config.get("callbacks") is not None:
                    dispatch_custom_event(name, data, config=config)
            if choice.error is not None:
                raise choice.error
            try:
                with _decided(config, choice):
                    return choice.finish(handler(choice.request))
            except Exception as exc:
                choice = self._recover(choice, exc)

    async def awrap_model_call(
        self, request: ModelRequest[Any], handler: _AsyncHandler
    ) -> ModelResponse[Any]:
        """Async twin of :meth:`wrap_model_call`."""
        config = ensure_config()
        choice = self._decide(request, config)
        while True:
            for name, data in _events(choice):
                _write(data)
                if config.get("callbacks") is not None:
                    await adispatch_custom_event(name, data, config=config)
            if choice.error is not None:
                raise choice.error
            try:
                with _decided(config, choice):
                    return choice.finish(await handler(choice.request))
            except Exception as exc:
                choice = self._recover(choice, exc)

    def _recover(self, choice: _Choice, error: Exception) -> _Choice:
        return recover(choice, error, None, fallback=self.fallback, fallback_on=self.fallback_on)


class CostMeterMiddleware(AgentMiddleware[AgentState[Any], Any, Any]):
    """Price every model call an agent makes with a :class:`~hybridchain.CostMeter`.

    The meter is attached to each model call as a callback, so it sees the model's
    real usage and, when a :class:`HybridRoutingMiddleware` runs outside it or
    inside it, the route that middleware chose.

    Example:
        >>> from langchain.agents import create_agent
        >>> from hybridchain.core.cost import LocalCostModel
        >>> from hybridchain.testing import EchoChatModel
        >>> gpu = LocalCostModel(hardware_price_usd=2000, tokens_per_second=50)
        >>> meter = CostMeter(local_models={"llama3": gpu})
        >>> agent = create_agent(
        ...     model=EchoChatModel(model_name="llama3"),
        ...     middleware=[CostMeterMiddleware(meter)],
        ... )
        >>> _ = agent.invoke({"messages": [("user", "hi")]})
        >>> meter.report().by_route["local"].events
        1
    """

    def __init__(self, meter: CostMeter) -> None:
        """Price the agent's model calls with ``meter``."""
        super().__init__()
        self.meter = meter
        """The meter every model call is recorded in."""

    def wrap_model_call(self, request: ModelRequest[Any], handler: _Handler) -> ModelResponse[Any]:
        """Run the call with the meter attached."""
        token = _meter_var.set(self.meter)
        try:
            return handler(request)
        finally:
            _meter_var.reset(token)

    async def awrap_model_call(
        self, request: ModelRequest[Any], handler: _AsyncHandler
    ) -> ModelResponse[Any]:
        """Async twin of :meth:`wrap_model_call`."""
        token = _meter_var.set(self.meter)
        try:
            return await handler(request)
        finally:
            _meter_var.reset(token)


def _sent_messages(request: ModelRequest[Any]) -> list[BaseMessage]:
    """Everything the model will read, in the order it reads it."""
    system: list[BaseMessage] = []
    if isinstance(request.system_message, SystemMessage):
        system.append(request.system_message)
    return [*system, *request.messages]


@contextmanager
def _decided(config: RunnableConfig, choice: _Choice) -> Iterator[None]:
    # The agent invokes the model without a config, so it inherits the node's config
    # from this context variable: setting it is how the decision reaches the model
    # call's metadata (and a CostMeter prices the call by the route chosen here).
    token = var_child_runnable_config.set(with_decision(config, choice.decision, choice.level))
    try:
        yield
    finally:
        var_child_runnable_config.reset(token)


def _write(data: dict[str, Any]) -> None:
    """Write the decision to LangGraph's ``custom`` stream, when inside a graph run."""
    try:
        writer = get_stream_writer()
    except RuntimeError:  # called outside a graph run
        return
    writer(data)


def _events(choice: _Choice) -> list[tuple[str, dict[str, Any]]]:
    """The custom events announcing a choice: a fallback notice first, when it is one."""
    decision = (EVENT_NAME, choice.decision.to_dict())
    if choice.fallback_from is None:
        return [decision]
    return [(FALLBACK_EVENT, dict(choice.fallback_from)), decision]
