"""``HybridChatModel``: the gate (and optionally the router) packaged as one chat model.

It drops in wherever LangChain expects a ``BaseChatModel`` (agents, ``with_structured_output``,
``bind_tools``); each call is decided by an internal :class:`SensitivityGate`, so the decision
logic lives in one place.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextvars import ContextVar, Token
from operator import itemgetter
from typing import Any, Literal
from uuid import UUID, uuid4

from langchain_core.callbacks import (
    AsyncCallbackManager,
    AsyncCallbackManagerForLLMRun,
    BaseCallbackHandler,
    CallbackManager,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models import BaseChatModel, LangSmithParams, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, BaseMessageChunk
from langchain_core.output_parsers import JsonOutputKeyToolsParser, PydanticToolsParser
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import (
    Runnable,
    RunnableConfig,
    RunnableMap,
    RunnablePassthrough,
)
from langchain_core.runnables.config import ensure_config
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic import BaseModel, Field, PrivateAttr

from hybridchain.core.availability import FALLBACK_KEY
from hybridchain.core.cost.budget import BudgetGuard
from hybridchain.core.decision import EVENT_NAME
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.langchain.gate import GateMode, SensitivityGate
from hybridchain.langchain.router import ComplexityRouter
from hybridchain.langchain.routing import model_name

__all__ = ["ROUTE_KEY", "HybridChatModel"]

ROUTE_KEY = "hybridchain_route"
"""``response_metadata`` key naming where the answer came from: ``local`` or ``cloud``."""

_TOOL_KWARGS = ("tool_choice", "strict", "parallel_tool_calls")
"""Call kwargs that belong to ``bind_tools`` of the inner models, not to their ``invoke``."""


class _RouteRecorder(BaseCallbackHandler):
    """Keep the custom events of one call; the last decision names the route.

    The inner runs are not reported to the caller's handlers (one call is one chat-model
    run, so usage is counted once); their events are passed on by :meth:`forward`.
    """

    run_inline = True

    def __init__(self) -> None:
        self.route: str | None = None
        self.events: list[tuple[str, Any]] = []

    def on_custom_event(self, name: str, data: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.events.append((name, data))
        if name == EVENT_NAME and isinstance(data, dict):
            self.route = data.get("target")

    def forward(self, run_manager: CallbackManagerForLLMRun | None) -> None:
        """Dispatch the kept events to the caller's handlers, under the model's run."""
        manager: CallbackManager | None = None
        if run_manager is not None:
            manager = CallbackManager(
                handlers=run_manager.inheritable_handlers, parent_run_id=run_manager.run_id
            )
        elif (streamed := _STREAM_CONFIG.get()) is not None:
            manager = CallbackManager.configure(streamed.get("callbacks"))
            manager.parent_run_id = streamed.get("run_id")
        if manager is not None:
            for name, data in self._take():
                # As dispatch_custom_event does: the event belongs to the model's run.
                manager.on_custom_event(name, data, run_id=manager.parent_run_id)

    async def aforward(self, run_manager: AsyncCallbackManagerForLLMRun | None) -> None:
        """Async twin of :meth:`forward`."""
        manager: AsyncCallbackManager | None = None
        if run_manager is not None:
            manager = AsyncCallbackManager(
                handlers=run_manager.inheritable_handlers, parent_run_id=run_manager.run_id
            )
        elif (streamed := _STREAM_CONFIG.get()) is not None:
            manager = AsyncCallbackManager.configure(streamed.get("callbacks"))
            manager.parent_run_id = streamed.get("run_id")
        if manager is not None:
            for name, data in self._take():
                # As dispatch_custom_event does: the event belongs to the model's run.
                await manager.on_custom_event(name, data, run_id=manager.parent_run_id)

    def _take(self) -> list[tuple[str, Any]]:
        events, self.events = self.events, []
        return events


class HybridChatModel(BaseChatModel):
    """A chat model that answers sensitive requests locally and the rest in the cloud.

    Each call is scanned and routed like :class:`SensitivityGate` does (``mode`` route,
    pseudonymize or block); with ``router`` set, requests that may reach the cloud are
    further split by complexity. ``response_metadata["hybridchain_route"]`` says which
    model answered; usage metadata is the inner model's. ``bind_tools`` binds the
    tools on whichever inner model answers, so ``with_structured_output`` works too.

    Example:
        >>> from hybridchain.testing import EchoChatModel
        >>> model = HybridChatModel(
        ...     local=EchoChatModel(label="local"), cloud=EchoChatModel(label="cloud")
        ... )
        >>> model.invoke("My SSN is 536-22-8510").content
        'local: My SSN is 536-22-8510'
        >>> answer = model.invoke("What is the capital of France?")
        >>> answer.content, answer.response_metadata["hybridchain_route"]
        ('cloud: What is the capital of France?', 'cloud')
    """

    local: BaseChatModel
    """Model for requests the policy keeps on the local network."""
    cloud: BaseChatModel
    """Model for requests the policy lets reach the cloud."""
    mode: GateMode = "route"
    """What to do with sensitive requests: route, pseudonymize or block."""
    policy: SensitivityPolicy = Field(default_factory=SensitivityPolicy)
    """Levels of findings and markers, and which level may reach which target."""
    router: ComplexityRouter | None = None
    """Splits cloud-allowed requests by complexity (its scorer and thresholds are used, its
    targets replaced by ``local``/``cloud``); ``None``: every such request goes to the cloud."""
    budget: BudgetGuard | None = None
    """Cloud budgets; when one with ``action="route_local"`` is spent, requests go local."""
    fallback: bool = True
    """Whether an unavailable model (connection error, timeout, 5xx, 429) hands the call to
    the other one, as far as the policy allows (see :class:`~hybridchain.SensitivityGate`)."""

    _gate: SensitivityGate | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "hybridchain"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "local": _name(self.local),
            "cloud": _name(self.cloud),
            "mode": self.mode,
            "router": self.router is not None,
        }

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = "hybridchain"
        params["ls_model_name"] = kwargs.get("model") or (
            f"{_name(self.local)}|{_name(self.cloud)}"
        )
        return params

    @property
    def gate(self) -> SensitivityGate:
        """The gate that decides each call (its scanner is built once and shared)."""
        if self._gate is None:
            self._gate = SensitivityGate(
                local=self.local,
                cloud=self.cloud,
                mode=self.mode,
                policy=self.policy,
                budget=self.budget,
                fallback=self.fallback,
            )
            # Built now, so the per-call copies made in ``_call`` share it.
            _ = self._gate.scanner
        return self._gate

    # -- tools and structured output ---------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools; they are bound, per call, on the inner model that answers.

        Args:
            tools: Tools in any form the inner models' ``bind_tools`` accepts.
            tool_choice: Passed on to the inner models' ``bind_tools``.
            strict: Passed on to the inner models' ``bind_tools``.
            **kwargs: Further ``bind_tools`` or call kwargs, passed on.

        Returns:
            This model with the tools bound.
        """
        extra = {
            k: v for k, v in (("tool_choice", tool_choice), ("strict", strict)) if v is not None
        }
        return self.bind(tools=list(tools), **extra, **kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type,
        *,
        include_raw: bool = False,
        method: Literal["function_calling", "json_mode", "json_schema"] = "function_calling",
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | BaseModel]:
        """Return a runnable whose output is ``schema``, through a tool call forced by name.

        Every ``method`` is carried out as a tool call, the one format both inner
        models share, so the answer parses the same whichever model gives it.

        Args:
            schema: A pydantic class, a TypedDict, or a JSON/OpenAI-tool schema.
            include_raw: Return ``{"raw", "parsed", "parsing_error"}`` instead.
            method: Accepted for compatibility; always a tool call (see above).
            strict: Passed on to the inner models' ``bind_tools``.
            **kwargs: Not supported.

        Returns:
            The structured-output runnable.

        Raises:
            ValueError: On unsupported keyword arguments.
        """
        if kwargs:
            raise ValueError(f"unsupported arguments {sorted(kwargs)}")
        tool = convert_to_openai_tool(schema)
        name = tool["function"]["name"]
        # Forced by name, as ChatOpenAI does: local servers that cannot choose a tool
        # (llama.cpp's) still constrain the answer to a named function's schema.
        llm = self.bind_tools(
            [schema],
            tool_choice=name,
            strict=strict,
            ls_structured_output_format={
                "kwargs": {"method": method, "strict": strict},
                "schema": tool,
            },
        )
        parser: Runnable[Any, Any]
        if isinstance(schema, type) and is_basemodel_subclass(schema):  # pydantic v2 or v1
            parser = PydanticToolsParser(tools=[schema], first_tool_only=True)
        else:
            parser = JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
        if not include_raw:
            return llm | parser
        parsed = RunnablePassthrough.assign(
            parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
        ).with_fallbacks(
            [RunnablePassthrough.assign(parsed=lambda _: None)], exception_key="parsing_error"
        )
        return RunnableMap(raw=llm) | parsed

    # -- calls: each asks the gate, then converts its message once ----------------------

    def _call(
        self,
        kwargs: dict[str, Any],
        stop: list[str] | None,
        run_manager: CallbackManagerForLLMRun | AsyncCallbackManagerForLLMRun | None,
    ) -> tuple[SensitivityGate, RunnableConfig, dict[str, Any], _RouteRecorder]:
        gate = self.gate
        tools = kwargs.pop("tools", None)
        local, cloud = self.local, self.cloud
        if tools is not None:
            bind = {k: kwargs.pop(k) for k in _TOOL_KWARGS if k in kwargs}
            local = local.bind_tools(tools, **bind)  # type: ignore[assignment]
            cloud = cloud.bind_tools(tools, **bind)  # type: ignore[assignment]
        cloud_target: Runnable[Any, Any] = cloud
        if self.router is not None:
            cloud_target = self.router.model_copy(
                update={"local": local, "cloud": cloud, "tiers": {}, "fallback": self.fallback}
            )
        if tools is not None or self.router is not None:
            # model_copy keeps the private scanner, so it is not rebuilt per call.
            gate = gate.model_copy(update={"local": local, "cloud": cloud_target})
        if stop is not None:
            kwargs["stop"] = stop
        recorder = _RouteRecorder()
        # The caller's metadata (the level an outer gate recorded) and tags still count.
        # langchain-core 1.7 calls `_stream` without a run manager: read them from
        # `stream()`'s own argument (kept by our override) or the enclosing run's context.
        outer = _STREAM_CONFIG.get() or ensure_config()
        metadata, tags = outer.get("metadata") or {}, outer.get("tags") or []
        if run_manager is not None:
            metadata, tags = run_manager.inheritable_metadata, run_manager.inheritable_tags
        # Only the recorder listens to the inner runs: the caller's handlers see this one
        # chat-model run (a second one would count usage twice) and get the decisions.
        config: RunnableConfig = {
            "callbacks": [recorder],
            "metadata": dict(metadata),
            "tags": list(tags),
        }
        return gate, config, kwargs, recorder

    def stream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> Iterator[AIMessageChunk]:
        """Stream the chosen model's chunks; ``config`` (its recorded level too) is honoured."""
        config = _with_run_id(config)
        token = _STREAM_CONFIG.set(config)
        try:
            yield from super().stream(input, config, stop=stop, **kwargs)
        finally:
            _reset(token)

    async def astream(
        self,
        input: LanguageModelInput,
        config: RunnableConfig | None = None,
        *,
        stop: list[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[AIMessageChunk]:
        """Async twin of :meth:`stream`."""
        config = _with_run_id(config)
        token = _STREAM_CONFIG.set(config)
        try:
            async for chunk in super().astream(input, config, stop=stop, **kwargs):
                yield chunk
        finally:
            _reset(token)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        gate, config, kwargs, recorder = self._call(kwargs, stop, run_manager)
        message = gate.invoke(messages, config, **kwargs)
        recorder.forward(run_manager)
        return _result(message, recorder.route)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        gate, config, kwargs, recorder = self._call(kwargs, stop, run_manager)
        message = await gate.ainvoke(messages, config, **kwargs)
        await recorder.aforward(run_manager)
        return _result(message, recorder.route)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        gate, config, kwargs, recorder = self._call(kwargs, stop, run_manager)
        first = True
        for chunk in gate.stream(messages, config, **kwargs):
            recorder.forward(run_manager)
            yield _chunk(chunk, recorder.route if first or _falls_back(chunk) else None)
            first = False
        recorder.forward(run_manager)

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        gate, config, kwargs, recorder = self._call(kwargs, stop, run_manager)
        first = True
        async for chunk in gate.astream(messages, config, **kwargs):
            await recorder.aforward(run_manager)
            yield _chunk(chunk, recorder.route if first or _falls_back(chunk) else None)
            first = False
        await recorder.aforward(run_manager)


_STREAM_CONFIG: ContextVar[RunnableConfig | None] = ContextVar(
    "hybridchain_stream_config", default=None
)
"""The config passed to ``stream()``/``astream()``, which ``_stream`` does not receive."""


def _with_run_id(config: RunnableConfig | None) -> RunnableConfig:
    """A copy of ``config`` that names the model's run (to nest streamed decisions under).

    langchain-core gives ``_stream`` no run manager, so the run id is chosen here.
    """
    config = ensure_config(config)
    if config.get("run_id") is None:
        config["run_id"] = uuid4()
    return config


def _reset(token: Token[RunnableConfig | None]) -> None:
    try:
        _STREAM_CONFIG.reset(token)
    except ValueError:  # the stream was finished in another context; nothing to restore
        pass


def _name(model: BaseChatModel) -> str:
    return model_name(model) or model._llm_type


def _result(message: Any, route: str | None) -> ChatResult:
    if not isinstance(message, BaseMessage):
        raise TypeError(f"the inner model returned a {type(message).__name__}, not a message")
    metadata = {**message.response_metadata, ROUTE_KEY: route}
    message = message.model_copy(update={"response_metadata": metadata})
    return ChatResult(generations=[ChatGeneration(message=message)])


def _falls_back(chunk: Any) -> bool:
    """Whether ``chunk`` is the first of a fallback model's answer (it names its route too)."""
    return FALLBACK_KEY in (getattr(chunk, "response_metadata", None) or {})


def _chunk(chunk: Any, route: str | None) -> ChatGenerationChunk:
    if isinstance(chunk, str):
        chunk = AIMessageChunk(content=chunk)
    if not isinstance(chunk, BaseMessageChunk):
        raise TypeError(f"the inner model streamed a {type(chunk).__name__}, not a chunk")
    if route is not None:
        # Only on the first chunk (and a fallback's first): merging chunks concatenates
        # equal string keys, and a caller drops the chunks before a fallback's anyway.
        metadata = {**chunk.response_metadata, ROUTE_KEY: route}
        chunk = chunk.model_copy(update={"response_metadata": metadata})
    return ChatGenerationChunk(message=chunk)
