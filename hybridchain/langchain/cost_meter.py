"""``CostMeter``: a LangChain callback handler that prices every model call."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import (
    ChatGeneration,
    ChatGenerationChunk,
    GenerationChunk,
    LLMResult,
)
from langchain_core.tracers.context import register_configure_hook

from hybridchain.core.cost.budget import Budget, BudgetGuard
from hybridchain.core.cost.events import CostEvent, Route
from hybridchain.core.cost.ledger import Ledger
from hybridchain.core.cost.local import LocalCostModel
from hybridchain.core.cost.memory import MemoryLedger
from hybridchain.core.cost.pricing import CloudPrices, UnpricedModelWarning
from hybridchain.core.cost.report import CostReport
from hybridchain.core.decision import DECISIONS_KEY
from hybridchain.langchain.chat_model import ROUTE_KEY

__all__ = ["CostMeter", "cost_meter"]

_LOCAL_PROVIDERS = frozenset({"ollama", "llamacpp", "llama.cpp", "vllm", "lmstudio", "local"})
_CHARS_PER_TOKEN = 4  # the usual rule of thumb when a stream reports no usage


@dataclass
class _Call:
    started: float
    model: str
    provider: str
    route: Route | None
    tags: tuple[str, ...]
    metadata: dict[str, Any]
    inputs: Sequence[Any]
    streamed_chars: int = 0

    def input_chars(self) -> int:
        # Only needed when the provider reports no usage, so computed then.
        return sum(len(m) if isinstance(m, str) else _text_len(m) for m in self.inputs)


def _route_from(metadata: Mapping[str, Any]) -> Route | None:
    for decision in reversed(metadata.get(DECISIONS_KEY) or ()):
        target = decision.get("target") if isinstance(decision, Mapping) else None
        if target in ("local", "cloud"):
            return target  # type: ignore[no-any-return]
    return None


def _text_len(messages: Sequence[BaseMessage]) -> int:
    return sum(len(m.text) for m in messages)


class CostMeter(BaseCallbackHandler):
    """Record tokens, latency and price of every model call in a ledger.

    Works with any chain, agent or hybrid component: pass it as a callback, or use
    :func:`cost_meter`. The route of a call is read from the decision record a
    hybrid component put in the run metadata; otherwise a model listed in
    ``local_models`` (or served by a local provider such as Ollama) is local and
    any other is cloud. Cloud calls are priced from LiteLLM's bundled price map,
    local ones by their :class:`~hybridchain.core.cost.LocalCostModel`. A model
    with no price warns once and is reported as unpriced, never as free.

    Example:
        >>> from hybridchain.testing import EchoChatModel
        >>> gpu = LocalCostModel(hardware_price_usd=2000, tokens_per_second=50)
        >>> meter = CostMeter(local_models={"llama3": gpu})
        >>> _ = EchoChatModel(model_name="llama3").invoke("hi", config={"callbacks": [meter]})
        >>> meter.report().by_route["local"].events
        1
    """

    run_inline = True  # cheap and thread-safe: no need for an executor hop in async runs

    def __init__(
        self,
        *,
        ledger: Ledger | None = None,
        prices: CloudPrices | None = None,
        local_models: Mapping[str, LocalCostModel | None] | None = None,
        local_cost: LocalCostModel | None = None,
        budgets: Sequence[Budget] = (),
        counterfactual: str | None = None,
        metadata_keys: Sequence[str] = ("tenant", "user"),
    ) -> None:
        """Configure the meter.

        Args:
            ledger: Where events go (default: in memory).
            prices: Cloud prices (default: LiteLLM's bundled map).
            local_models: Local model names and their cost model (``None``: use
                ``local_cost``).
            local_cost: Cost model of local calls without their own.
            budgets: Budgets checked by :attr:`guard` (which routers consult).
            counterfactual: Cloud model that :meth:`report` compares against.
            metadata_keys: Run-metadata keys recorded with each event.
        """
        super().__init__()
        self.ledger: Ledger = ledger if ledger is not None else MemoryLedger()
        self.prices = prices if prices is not None else CloudPrices()
        self.local_models = dict(local_models or {})
        self.local_cost = local_cost
        self.counterfactual = counterfactual
        self.metadata_keys = tuple(metadata_keys)
        self.guard = BudgetGuard(budgets, self.ledger) if budgets else None
        self._calls: dict[UUID, _Call] = {}
        self._lock = threading.Lock()
        self._warned_local: set[str] = set()

    # -- callbacks -------------------------------------------------------------------

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Remember the call's start, model, route and input size."""
        self._start(run_id, tags, metadata, kwargs, messages)

    def on_llm_start(
        self,
        serialized: dict[str, Any],
        prompts: list[str],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Remember the call's start (completion models)."""
        self._start(run_id, tags, metadata, kwargs, prompts)

    def on_llm_new_token(
        self,
        token: str | list[str | dict[str, Any]],
        *,
        chunk: GenerationChunk | ChatGenerationChunk | None = None,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Count streamed characters, for an estimate when the stream reports no usage."""
        call = self._calls.get(run_id)
        if call is not None:
            call.streamed_chars += len(token) if isinstance(token, str) else len(str(token))

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Forget a failed call (nothing was billed for an answer)."""
        with self._lock:
            self._calls.pop(run_id, None)

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        """Price the finished call and record it."""
        with self._lock:
            call = self._calls.pop(run_id, None)
        if call is None:
            return
        event = self._event(run_id, call, response)
        self.ledger.record(event)

    # -- pricing ---------------------------------------------------------------------

    def _start(
        self,
        run_id: UUID,
        tags: list[str] | None,
        metadata: dict[str, Any] | None,
        kwargs: dict[str, Any],
        inputs: Sequence[Any],
    ) -> None:
        metadata = metadata or {}
        params = kwargs.get("invocation_params") or {}
        model = str(
            params.get("model") or params.get("model_name") or metadata.get("ls_model_name") or ""
        )
        provider = str(metadata.get("ls_provider") or params.get("_type") or "")
        reported = {k: metadata[k] for k in self.metadata_keys if k in metadata}
        route = _route_from(metadata) if DECISIONS_KEY in metadata else None
        call = _Call(
            time.perf_counter(), model, provider, route, tuple(tags or ()), reported, inputs
        )
        with self._lock:
            self._calls[run_id] = call

    def _route(self, call: _Call, model: str) -> Route:
        if call.route is not None:
            return call.route
        if model in self.local_models or call.model in self.local_models:
            return "local"
        if call.provider.lower() in _LOCAL_PROVIDERS:
            return "local"
        return "cloud"

    def _event(self, run_id: UUID, call: _Call, response: LLMResult) -> CostEvent:
        latency = time.perf_counter() - call.started
        message = _first_message(response)
        model = call.model
        usage = None
        output_chars = call.streamed_chars
        if message is not None:
            model = str(message.response_metadata.get("model_name") or model)
            usage = message.usage_metadata
            output_chars = output_chars or len(message.text)
        if usage:
            details = usage.get("input_token_details") or {}
            tokens = (
                int(usage.get("input_tokens", 0)),
                int(usage.get("output_tokens", 0)),
                int(details.get("cache_read", 0) or 0),
            )
            estimated = False
        else:
            tokens = (
                -(-call.input_chars() // _CHARS_PER_TOKEN),
                -(-output_chars // _CHARS_PER_TOKEN),
                0,
            )
            estimated = True
        route = _answered_by(message) or self._route(call, model)
        cost = self._price(route, model, call.model, tokens, latency)
        return CostEvent(
            event_id=str(run_id),
            timestamp=time.time(),
            model=model,
            route=route,
            provider=call.provider,
            input_tokens=tokens[0],
            output_tokens=tokens[1],
            cached_tokens=tokens[2],
            estimated=estimated,
            latency_s=latency,
            cost_usd=cost or 0.0,
            priced=cost is not None,
            tags=call.tags,
            metadata=call.metadata,
        )

    def _price(
        self, route: Route, model: str, requested: str, tokens: tuple[int, int, int], latency: float
    ) -> float | None:
        if route == "local":
            local = self.local_models.get(model) or self.local_models.get(requested)
            local = local or self.local_cost
            if local is None:
                self._warn_local(model)
                return None
            return local.cost(output_tokens=tokens[1], input_tokens=tokens[0])
        for name in dict.fromkeys((model, requested)):
            if name and self.prices.known(name):
                return self.prices.price(name, tokens[0], tokens[1], tokens[2])
        return self.prices.price(model or requested or "<unnamed model>", *tokens)

    def _warn_local(self, model: str) -> None:
        with self._lock:
            if model in self._warned_local:
                return
            self._warned_local.add(model)
        warnings.warn(
            f"no local cost model for {model!r}; its calls are recorded as unpriced "
            "(pass local_cost= or local_models=)",
            UnpricedModelWarning,
            stacklevel=2,
        )

    # -- reporting -------------------------------------------------------------------

    def report(self, counterfactual: str | None = None, since: float | None = None) -> CostReport:
        """Summarize the ledger; savings are against ``counterfactual`` (or the meter's)."""
        model = counterfactual or self.counterfactual

        def price(e: CostEvent) -> float | None:
            assert model is not None
            return self.prices.price(model, e.input_tokens, e.output_tokens, e.cached_tokens)

        return CostReport.build(self.ledger.events(since), model, price if model else None)


def _first_message(response: LLMResult) -> AIMessage | None:
    try:
        generation = response.generations[0][0]
    except IndexError:
        return None
    if isinstance(generation, ChatGeneration) and isinstance(generation.message, AIMessage):
        return generation.message
    return None


def _answered_by(message: BaseMessage | None) -> Route | None:
    """The route a ``HybridChatModel`` put on its answer (its inner runs are not reported)."""
    route = None if message is None else message.response_metadata.get(ROUTE_KEY)
    if route == "local":
        return "local"
    return "cloud" if route == "cloud" else None


_meter_var: ContextVar[CostMeter | None] = ContextVar("hybridchain_cost_meter", default=None)
register_configure_hook(_meter_var, inheritable=True)


@contextmanager
def cost_meter(**kwargs: Any) -> Iterator[CostMeter]:
    """Meter every model call made inside the ``with`` block.

    Takes the same arguments as :class:`CostMeter`, in the style of LangChain's
    ``get_usage_metadata_callback()``.

    Example:
        >>> from hybridchain.testing import EchoChatModel
        >>> with cost_meter(counterfactual="gpt-4o") as meter:
        ...     _ = EchoChatModel(model_name="gpt-4o-mini").invoke("hi")
        >>> report = meter.report()
        >>> report.by_route["cloud"].events, report.savings_usd > 0
        (1, True)
    """
    meter = CostMeter(**kwargs)
    token = _meter_var.set(meter)
    try:
        yield meter
    finally:
        _meter_var.reset(token)
