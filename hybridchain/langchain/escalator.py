"""``ConfidenceEscalator``: ask the local model first; escalate when its answer looks unreliable.

One driver (:meth:`ConfidenceEscalator._drive`) holds the whole escalation: it yields
operations (call a model, stream one, dispatch an event, emit an output) and two small
runners carry them out, one sync and one async. ``invoke``/``ainvoke``/``stream``/
``astream`` (and the default ``batch``/``abatch``) therefore share every decision; the
decision itself is :class:`~hybridchain.core.confidence.Cascade`, on plain data.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import (
    AsyncCallbackManagerForChainRun,
    CallbackManagerForChainRun,
    adispatch_custom_event,
    dispatch_custom_event,
)
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    BaseMessageChunk,
    HumanMessage,
    convert_to_messages,
)
from langchain_core.prompt_values import PromptValue
from langchain_core.runnables import Runnable, RunnableBinding, RunnableConfig
from langchain_core.runnables.base import coerce_to_runnable
from langchain_core.runnables.config import patch_config
from pydantic import Field, PrivateAttr, field_validator, model_validator

from hybridchain.core.availability import FALLBACK_EVENT, FALLBACK_KEY, mark_exhausted
from hybridchain.core.confidence import (
    Assessment,
    Cascade,
    OnSensitive,
    SignalConfig,
    assess_answer,
    p_true,
    parse_logprobs,
)
from hybridchain.core.confidence.verifier import VERIFIER_QUESTION
from hybridchain.core.decision import DECISIONS_KEY, EVENT_NAME, SENSITIVITY_KEY, RouteDecision
from hybridchain.core.detect.base import Detector
from hybridchain.core.detect.defaults import default_detectors
from hybridchain.core.findings import Finding
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.core.scan import Scanner, collect_pieces
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import SensitiveDataError
from hybridchain.langchain.config import inherited_sensitivity
from hybridchain.langchain.messages import walk_lc_input
from hybridchain.langchain.routing import RoutingRunnable, model_name

__all__ = ["ASSESSMENT_KEY", "LOW_CONFIDENCE_KEY", "ConfidenceEscalator"]

logger = logging.getLogger("hybridchain.escalator")

LOW_CONFIDENCE_KEY = "hybridchain_low_confidence"
"""``response_metadata`` key set to ``True`` on an answer returned below the threshold."""
ASSESSMENT_KEY = "hybridchain_assessment"
"""``response_metadata`` key holding that answer's assessment (as a dict)."""


# -- the operations the driver yields, and what the runners send back ----------------------


@dataclass
class _Call:
    """Call ``runnable`` once, ``batch`` times on the same input, or once per ``inputs``.

    Reply: :class:`_Result`.
    """

    runnable: Runnable[Any, Any]
    input: Any
    config: RunnableConfig
    kwargs: dict[str, Any] = field(default_factory=dict)
    batch: int = 0
    inputs: list[Any] | None = None

    def batch_inputs(self) -> list[Any] | None:
        """The inputs to batch over, or None for a single call."""
        return self.inputs if self.inputs is not None else [self.input] * self.batch or None


@dataclass
class _Stream:
    """Stream ``runnable``; ``through``: emit each chunk as it comes. Reply: :class:`_Result`."""

    runnable: Runnable[Any, Any]
    input: Any
    config: RunnableConfig
    kwargs: dict[str, Any]
    through: bool


@dataclass
class _Event:
    decision: RouteDecision
    config: RunnableConfig


@dataclass
class _Notice:
    """Dispatch the custom event ``name`` (a fallback notice)."""

    name: str
    data: dict[str, Any]
    config: RunnableConfig


@dataclass
class _Emit:
    value: Any


@dataclass
class _Result:
    value: Any = None
    error: Exception | None = None
    chunks: list[Any] = field(default_factory=list)


_Op = _Call | _Stream | _Event | _Notice | _Emit
_Driver = Generator[_Op, Any, Any]


def _run_sync(driver: _Driver) -> Iterator[Any]:
    """Carry out the driver's operations synchronously; yield what it emits."""
    reply: Any = None
    while True:
        try:
            op = driver.send(reply)
        except StopIteration:
            return
        reply = None
        if isinstance(op, _Emit):
            yield op.value
        elif isinstance(op, _Event):
            dispatch_custom_event(EVENT_NAME, op.decision.to_dict(), config=op.config)
        elif isinstance(op, _Notice):
            dispatch_custom_event(op.name, op.data, config=op.config)
        elif isinstance(op, _Call):
            try:
                many = op.batch_inputs()
                if many is not None:
                    value = op.runnable.batch(many, op.config, return_exceptions=True)
                else:
                    value = op.runnable.invoke(op.input, op.config, **op.kwargs)
                reply = _Result(value)
            except Exception as exc:
                reply = _Result(error=exc)
        else:
            reply = _Result()
            try:
                for chunk in op.runnable.stream(op.input, op.config, **op.kwargs):
                    reply.chunks.append(chunk)
                    if op.through:
                        yield chunk
            except Exception as exc:
                reply.error = exc


async def _run_async(driver: _Driver) -> AsyncIterator[Any]:
    """Async twin of :func:`_run_sync`: the same operations, awaited."""
    reply: Any = None
    while True:
        try:
            op = driver.send(reply)
        except StopIteration:
            return
        reply = None
        if isinstance(op, _Emit):
            yield op.value
        elif isinstance(op, _Event):
            await adispatch_custom_event(EVENT_NAME, op.decision.to_dict(), config=op.config)
        elif isinstance(op, _Notice):
            await adispatch_custom_event(op.name, op.data, config=op.config)
        elif isinstance(op, _Call):
            try:
                many = op.batch_inputs()
                if many is not None:
                    value = await op.runnable.abatch(many, op.config, return_exceptions=True)
                else:
                    value = await op.runnable.ainvoke(op.input, op.config, **op.kwargs)
                reply = _Result(value)
            except Exception as exc:
                reply = _Result(error=exc)
        else:
            reply = _Result()
            try:
                async for chunk in op.runnable.astream(op.input, op.config, **op.kwargs):
                    reply.chunks.append(chunk)
                    if op.through:
                        yield chunk
            except Exception as exc:
                reply.error = exc


# -- conversions at the edge ---------------------------------------------------------------


def _unwrap(runnable: Runnable[Any, Any]) -> Runnable[Any, Any]:
    while isinstance(runnable, RunnableBinding):
        runnable = runnable.bound
    return runnable


def _has_fields(runnable: Runnable[Any, Any], *names: str) -> bool:
    fields = getattr(type(_unwrap(runnable)), "model_fields", {})
    return all(n in fields for n in names)


def with_logprobs(runnable: Runnable[Any, Any], top_logprobs: int) -> Runnable[Any, Any]:
    """Bind ``logprobs=True, top_logprobs=k`` when the model declares them (ChatOpenAI, ChatOllama).

    Models that do not declare both fields, or that set ``logprobs=False``, are left as they are.
    """
    if not _has_fields(runnable, "logprobs", "top_logprobs"):
        return runnable
    if getattr(_unwrap(runnable), "logprobs", None) is False:
        return runnable
    return runnable.bind(logprobs=True, top_logprobs=top_logprobs)


def _answer_text(output: Any) -> str:
    if isinstance(output, BaseMessage):
        text = str(output.text)
        if isinstance(output, AIMessage) and output.tool_calls:
            calls = [{"name": c["name"], "args": c["args"]} for c in output.tool_calls]
            text = f"{text}\n{json.dumps(calls)}".strip()
        return text
    return output if isinstance(output, str) else str(output)


def _logprobs_of(output: Any) -> Any:
    return output.response_metadata.get("logprobs") if isinstance(output, BaseMessage) else None


def _as_messages(value: Any) -> list[BaseMessage]:
    if isinstance(value, PromptValue):
        return value.to_messages()
    if isinstance(value, str):
        return [HumanMessage(value)]
    if isinstance(value, BaseMessage):
        return [value]
    if isinstance(value, Mapping) and "messages" in value:
        value = value["messages"]
    if isinstance(value, Sequence) and not isinstance(value, str):
        return convert_to_messages(value)
    raise TypeError(f"cannot read a {type(value).__name__} as messages")


def _at_temperature(runnable: Runnable[Any, Any], temperature: float) -> Runnable[Any, Any]:
    """``runnable`` bound to ``temperature`` when the model has that field, else as it is."""
    if _has_fields(runnable, "temperature"):
        return runnable.bind(temperature=temperature)
    return runnable


def _last_user(value: Any) -> tuple[list[BaseMessage], int] | None:
    """The request as messages and the index of its last user message, if it has one."""
    try:
        messages = _as_messages(value)
    except (TypeError, ValueError, NotImplementedError):
        return None
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], HumanMessage):
            return messages, i
    return None


def _reframe(
    found: tuple[list[BaseMessage], int] | None, templates: Sequence[str]
) -> list[list[BaseMessage]]:
    """The request once per template, its last user message rewritten by the template."""
    if found is None:
        return []
    messages, i = found
    question = str(messages[i].text)
    return [
        [*messages[:i], HumanMessage(t.replace("{question}", question)), *messages[i + 1 :]]
        for t in templates
    ]


def _join(chunks: Sequence[Any]) -> Any:
    total: Any = None
    for chunk in chunks:
        total = chunk if total is None else total + chunk
    return total


def _reraise(error: Exception | None) -> Exception:
    assert error is not None
    return error


def _mark(output: Any, assessment: Assessment) -> Any:
    """Return ``output`` with the low-confidence flag and assessment in ``response_metadata``."""
    if not isinstance(output, BaseMessage):
        return output
    metadata = {
        **output.response_metadata,
        LOW_CONFIDENCE_KEY: True,
        ASSESSMENT_KEY: assessment.to_dict(),
    }
    return output.model_copy(update={"response_metadata": metadata})


class ConfidenceEscalator(RoutingRunnable):
    """Answer with the cheapest tier whose answer looks reliable enough.

    The first tier answers; its answer is assessed (token log-probabilities, hedging,
    refusals, and opt-in self-consistency, verifier and validator); below ``threshold``
    the next tier is asked, and so on. The last tier answers without assessment when it
    is a cloud model.

    **Sensitivity.** The level recorded in the config metadata by an outer component is
    used; when none is recorded, the input is scanned as :class:`SensitivityGate` would.
    A request the policy keeps local never reaches a cloud tier: with ``on_sensitive=
    "local_tiers_only"`` it escalates through the remaining local tiers only, and with
    ``"return_low_confidence"`` it is not escalated. Either way, a low answer with no
    tier left is returned with ``response_metadata["hybridchain_low_confidence"] = True``
    and ``response_metadata["hybridchain_assessment"]``. A local tier that raises counts
    as confidence 0; when no local tier answers such a request,
    :class:`~hybridchain.core.confidence.LocalModelUnavailableError` is raised.
    :class:`~hybridchain.SensitiveDataError` from a tier is never escalated.

    **Records.** One :class:`~hybridchain.RouteDecision` per tier tried
    (``component="escalator"``, ``confidence``, ``extra`` = ``tier_tried``, ``signals``,
    ``escalated``, ``why``, …), dispatched as the ``hybridchain_decision`` event and
    added to the metadata of every later tier's config. A tier's record is made once its
    outcome is known; a final tier that is not assessed is announced before it is called.

    **Streaming.** A tier after which an escalation could follow is buffered: its chunks
    are collected, not yielded, until it is assessed. If accepted, its chunks are then
    yielded unchanged, in order; if not, they are dropped and the next tier is tried.
    The final tier streams through as it generates. A low-confidence answer ends with
    one extra empty ``AIMessageChunk`` carrying the two metadata keys above.

    Example:
        >>> from hybridchain.testing import EchoChatModel
        >>> esc = ConfidenceEscalator(
        ...     local=EchoChatModel(reply="I think it is maybe Lyon."),
        ...     cloud=EchoChatModel(reply="Paris."),
        ... )
        >>> esc.invoke("Capital of France?").content
        'Paris.'
        >>> round(esc.assess("Capital of France?", AIMessage("Paris.")).confidence, 2)
        0.65
    """

    local: Runnable[Any, Any] | None = None
    """The first tier (with ``cloud``)."""
    cloud: Runnable[Any, Any] | None = None
    """The tier escalated to (with ``local``); a cloud model unless ``cloud_tiers`` says not."""
    tiers: list[Runnable[Any, Any]] = Field(default_factory=list)
    """Tiers, cheapest first, instead of ``local``/``cloud`` (a cascade)."""
    cloud_tiers: frozenset[int] | None = None
    """Indices of the cloud tiers (``None``: ``cloud``, or the last of ``tiers``)."""
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """Answers below this confidence escalate."""
    signals: SignalConfig = Field(default_factory=SignalConfig)
    """Phrases, measures and weights of the confidence signals."""
    request_logprobs: bool = True
    """Ask assessed tiers for token log-probabilities when they support it."""
    top_logprobs: int = Field(default=5, ge=1, le=20)
    """Alternatives per token to ask for (the first-token margin and P(True) need ≥ 2)."""
    self_consistency: int = Field(default=0, ge=0)
    """Extra samples drawn from the tier for self-consistency (0: off)."""
    sample_temperature: float = Field(default=0.8, ge=0.0)
    """Temperature the samples are drawn at (bound when the model has the field)."""
    reframings: tuple[str, ...] = ()
    """Templates the tier is re-asked with, greedily, for self-consistency: ``{question}``
    stands for the last user message (e.g. `DEFAULT_REFRAMINGS`). Answers that change with
    the framing are unsure; their agreement joins the samples' (empty: off)."""
    verifier: Any = None
    """A model asked "is this answer correct?" for P(True); ``True``: the first tier."""
    verifier_cloud: bool = False
    """Whether ``verifier`` is a cloud model (then it never sees requests kept local)."""
    validator: Callable[[str], bool] | None = None
    """A check an acceptable answer passes (an output parser, a JSON schema)."""
    on_sensitive: OnSensitive = "local_tiers_only"
    """What a low answer to a request kept off the cloud leads to."""
    policy: SensitivityPolicy = Field(default_factory=SensitivityPolicy)
    """Which level may reach the cloud, and how the input is scanned when no level is recorded."""
    detectors: list[Any] | None = None
    """Detectors for that scan (``None``: the defaults for the policy)."""

    _scanner: Scanner | None = PrivateAttr(default=None)
    _prepared: list[Runnable[Any, Any]] | None = PrivateAttr(default=None)

    @field_validator("tiers", mode="before")
    @classmethod
    def _coerce_tiers(cls, value: Any) -> Any:
        return [coerce_to_runnable(v) for v in value] if isinstance(value, list | tuple) else value

    @field_validator("verifier", mode="before")
    @classmethod
    def _coerce_verifier(cls, value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        return coerce_to_runnable(value)

    @field_validator("detectors")
    @classmethod
    def _check_detectors(cls, value: list[Any] | None) -> list[Any] | None:
        for d in value or ():
            if not isinstance(d, Detector):
                raise TypeError(f"{type(d).__name__} is not a detector")
        return value

    @model_validator(mode="after")
    def _check(self) -> ConfidenceEscalator:
        if self.tiers and (self.local is not None or self.cloud is not None):
            raise ValueError("give either local=/cloud= or tiers=, not both")
        n = len(self.tier_list)
        if self.cloud_tiers is not None and any(not 0 <= i < n for i in self.cloud_tiers):
            raise ValueError(f"cloud_tiers must be indices of the {n} tier(s)")
        return self

    # -- tiers ------------------------------------------------------------------------

    @property
    def tier_list(self) -> list[Runnable[Any, Any]]:
        """The tiers, cheapest first."""
        if self.tiers:
            return list(self.tiers)
        return [t for t in (self.local, self.cloud) if t is not None]

    @property
    def cloud_flags(self) -> list[bool]:
        """For each tier, whether it is a cloud model."""
        n = len(self.tier_list)
        if self.cloud_tiers is not None:
            cloud = set(self.cloud_tiers)
        elif self.tiers:
            cloud = {n - 1}
        else:
            cloud = {n - 1} if self.cloud is not None else set()
        return [i in cloud for i in range(n)]

    def _runnable(self, tier: int) -> Runnable[Any, Any]:
        """The tier as called: with log-probabilities requested where it may be assessed."""
        if self._prepared is None:
            tiers, flags = self.tier_list, self.cloud_flags
            self._prepared = [
                with_logprobs(t, self.top_logprobs)
                if self.request_logprobs and not (flags[i] and i == len(tiers) - 1)
                else t
                for i, t in enumerate(tiers)
            ]
        return self._prepared[tier]

    @property
    def scanner(self) -> Scanner:
        """The scanner used when no level is recorded in the config."""
        if self._scanner is None:
            base = self.detectors if self.detectors is not None else default_detectors(self.policy)
            self._scanner = Scanner(base, self.policy)
        return self._scanner

    def _level(
        self, input: Any, config: RunnableConfig | None
    ) -> tuple[Sensitivity, tuple[Finding, ...]]:
        metadata = (config or {}).get("metadata") or {}
        if SENSITIVITY_KEY in metadata:
            return inherited_sensitivity(config), ()
        report = self.scanner.scan_pieces(collect_pieces(input, walk_lc_input))
        return report.level, report.findings

    def _cascade(self, input: Any, config: RunnableConfig) -> Cascade:
        if not self.tier_list:
            raise ValueError("ConfidenceEscalator needs local=/cloud= or tiers= to be invoked")
        level, findings = self._level(input, config)
        return Cascade(
            self.cloud_flags,
            threshold=self.threshold,
            level=level,
            cloud_ok=self.policy.allows("cloud", level),
            on_sensitive=self.on_sensitive,
            findings=findings,
            names=[model_name(t) for t in self.tier_list],
        )

    # -- assessment -------------------------------------------------------------------

    def assess(
        self, input: Any, ai_message: Any, *, tier: int = 0, config: RunnableConfig | None = None
    ) -> Assessment:
        """Return how reliable ``ai_message`` is as an answer to ``input``.

        Uses what the message carries (log-probabilities, text), plus self-consistency
        samples from ``tier`` and the verifier when they are switched on.

        Args:
            input: The request (what the tiers receive).
            ai_message: The answer (an ``AIMessage`` or a string).
            tier: The tier that produced it (self-consistency samples are drawn from it).
            config: The run config; its recorded level (or a scan) decides whether a
                cloud verifier may see the request.
        """
        cfg: RunnableConfig = config or {}
        cloud_ok = self.policy.allows("cloud", self._level(input, cfg)[0])
        assessment: Assessment
        (assessment,) = _run_sync(self._emit_assessment(input, ai_message, tier, cfg, cloud_ok))
        return assessment

    async def aassess(
        self, input: Any, ai_message: Any, *, tier: int = 0, config: RunnableConfig | None = None
    ) -> Assessment:
        """Async twin of :meth:`assess`."""
        cfg: RunnableConfig = config or {}
        cloud_ok = self.policy.allows("cloud", self._level(input, cfg)[0])
        driver = self._emit_assessment(input, ai_message, tier, cfg, cloud_ok)
        assessment: Assessment
        (assessment,) = [a async for a in _run_async(driver)]
        return assessment

    def _emit_assessment(
        self, input: Any, output: Any, tier: int, config: RunnableConfig, cloud_ok: bool
    ) -> _Driver:
        assessment = yield from self._assess(input, output, tier, config, cloud_ok)
        yield _Emit(assessment)

    def _assess(
        self, input: Any, output: Any, tier: int, config: RunnableConfig, cloud_ok: bool
    ) -> Generator[_Op, Any, Assessment]:
        text = _answer_text(output)
        samples: list[str] | None = None
        if self.self_consistency and text.strip():
            sampler = _at_temperature(self.tier_list[tier], self.sample_temperature)
            result = yield _Call(sampler, input, config, batch=self.self_consistency)
            if result.error is not None:
                logger.warning("self-consistency samples failed (%s)", type(result.error).__name__)
            else:
                samples = [_answer_text(s) for s in result.value if not isinstance(s, Exception)]
        last_user = _last_user(input)
        asked = None if last_user is None else str(last_user[0][last_user[1]].text)
        reframed = _reframe(last_user, self.reframings) if text.strip() else []
        if reframed:
            asker = _at_temperature(self.tier_list[tier], 0.0)
            result = yield _Call(asker, input, config, inputs=reframed)
            if result.error is not None:
                logger.warning("reframed answers failed (%s)", type(result.error).__name__)
            else:
                answers = [_answer_text(a) for a in result.value if not isinstance(a, Exception)]
                samples = [*(samples or []), *answers]
        verdict: float | None = None
        verifier = self._verifier(cloud_ok)
        if verifier is not None and text.strip():
            try:
                question = [*_as_messages(input), AIMessage(text), HumanMessage(VERIFIER_QUESTION)]
            except TypeError:
                question = None
            if question is not None:
                result = yield _Call(verifier, question, config)
                if result.error is not None:
                    logger.warning("verifier failed (%s)", type(result.error).__name__)
                else:
                    tokens = parse_logprobs(_logprobs_of(result.value))
                    verdict = p_true(
                        tokens,
                        _answer_text(result.value),
                        self.signals.yes_tokens,
                        self.signals.no_tokens,
                    )
        return assess_answer(
            text,
            _logprobs_of(output),
            samples=samples,
            p_true=verdict,
            validator=self.validator,
            question=asked,
            config=self.signals,
        )

    def _verifier(self, cloud_ok: bool) -> Runnable[Any, Any] | None:
        if self.verifier is None or self.verifier is False:
            return None
        if self.verifier is True:
            return None if self.cloud_flags[0] and not cloud_ok else self._runnable(0)
        if self.verifier_cloud and not cloud_ok:
            return None
        return with_logprobs(self.verifier, self.top_logprobs)

    # -- the one driver -----------------------------------------------------------------

    def _child(
        self, config: RunnableConfig, records: Sequence[RouteDecision], level: Sensitivity, cb: Any
    ) -> RunnableConfig:
        metadata = dict(config.get("metadata") or {})
        metadata[DECISIONS_KEY] = [
            *(metadata.get(DECISIONS_KEY) or []),
            *(r.to_dict() for r in records),
        ]
        metadata[SENSITIVITY_KEY] = str(level)
        child = patch_config(config, callbacks=cb)
        child["metadata"] = metadata
        return child

    def _drive(
        self,
        input: Any,
        config: RunnableConfig,
        run_manager: Any,
        stream: bool,
        kwargs: dict[str, Any],
    ) -> _Driver:
        """Run the escalation; emit the answer (invoke) or the chunks (stream)."""
        cascade = self._cascade(input, config)
        level = cascade.level
        records: list[RouteDecision] = []
        answers: dict[int, Any] = {}
        assessments: dict[int, Assessment] = {}
        tier = cascade.first
        if tier is None:
            raise SensitiveDataError(level, cascade.findings)
        while True:
            runnable = self._runnable(tier)
            if not cascade.assesses(tier):
                records.append(cascade.announce(tier))
                yield _Event(records[-1], config)
                child = self._child(config, records, level, run_manager.get_child(f"tier:{tier}"))
                if stream:
                    result = yield _Stream(runnable, input, child, kwargs, through=True)
                else:
                    result = yield _Call(runnable, input, child, kwargs)
                if result.error is not None:
                    yield from self._final_failed(
                        cascade, tier, result, answers, assessments, config, stream
                    )
                    return
                if not stream:
                    yield _Emit(result.value)
                return
            through = stream and not cascade.may_escalate(tier)
            child = self._child(config, records, level, run_manager.get_child(f"tier:{tier}"))
            if stream:
                result = yield _Stream(runnable, input, child, kwargs, through=through)
                output = _join(result.chunks)
            else:
                result = yield _Call(runnable, input, child, kwargs)
                output = result.value
            error = result.error
            if error is not None and through and result.chunks and not cascade.cloud_ok:
                if not cascade.cloud[tier] and self._unavailable(error) is not None:
                    raise cascade.unavailable(error) from None
            if error is not None and (
                isinstance(error, SensitiveDataError) or (through and result.chunks)
            ):
                raise error
            if error is not None:
                logger.warning("tier %d failed (%s)", tier, type(error).__name__)
                assessment = None
            else:
                assessment = yield from self._assess(input, output, tier, child, cascade.cloud_ok)
                answers[tier] = result.chunks if stream else output
                assessments[tier] = assessment
            step = cascade.after(tier, assessment, error)
            records.append(step.decision)
            yield _Event(step.decision, config)
            if step.action == "escalate":
                assert step.next_tier is not None
                tier = step.next_tier
                continue
            if step.action == "raise":
                raise step.error or _reraise(error)
            assert step.answer_tier is not None
            answer, chosen = answers[step.answer_tier], assessments[step.answer_tier]
            if not stream:
                yield _Emit(_mark(answer, chosen) if step.low_confidence else answer)
                return
            if not (through and step.answer_tier == tier):
                for chunk in answer:
                    yield _Emit(chunk)
            if step.low_confidence and answer and isinstance(answer[-1], AIMessageChunk):
                yield _Emit(_mark(AIMessageChunk(content=""), chosen))
            return

    def _final_failed(
        self,
        cascade: Cascade,
        tier: int,
        result: _Result,
        answers: dict[int, Any],
        assessments: dict[int, Assessment],
        config: RunnableConfig,
        stream: bool,
    ) -> _Driver:
        """The last tier failed: answer with an earlier tier's answer if it was unavailable."""
        error = result.error
        assert error is not None
        reason = self._unavailable(error) if self.fallback else None
        if reason is None:
            raise error
        step = cascade.after(tier, None, error)
        yield _Event(step.decision, config)
        if step.action != "fallback":
            if len(cascade.failed) > 1:
                mark_exhausted(error)  # every tier was tried: outer components re-raise it
            raise step.error or error
        assert step.answer_tier is not None
        answer, chosen = answers[step.answer_tier], assessments[step.answer_tier]
        discarded = len(result.chunks) if stream else 0
        notice = {
            "component": "escalator",
            "from": "cloud" if cascade.cloud[tier] else "local",
            "to": "cloud" if cascade.cloud[step.answer_tier] else "local",
            "error": type(error).__name__,
            "reason": reason,
            "chunks_discarded": discarded,
        }
        logger.warning("escalator: tier %d unavailable (%s): earlier answer returned", tier, reason)
        yield _Notice(FALLBACK_EVENT, notice, config)
        if not stream:
            yield _Emit(_mark(answer, chosen))
            return
        for i, chunk in enumerate(answer):
            if i == 0 and discarded and isinstance(chunk, BaseMessageChunk):
                metadata = {**chunk.response_metadata, FALLBACK_KEY: dict(notice)}
                chunk = chunk.model_copy(update={"response_metadata": metadata})
            yield _Emit(chunk)
        if answer and isinstance(answer[-1], AIMessageChunk):
            yield _Emit(_mark(AIMessageChunk(content=""), chosen))

    # -- entry points (the public ones are RoutingRunnable's) ---------------------------

    def _invoke(
        self,
        input: Any,
        run_manager: CallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,
    ) -> Any:
        (answer,) = _run_sync(self._drive(input, config, run_manager, False, kwargs))
        return answer

    async def _ainvoke(
        self,
        input: Any,
        run_manager: AsyncCallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,
    ) -> Any:
        driver = self._drive(input, config, run_manager, False, kwargs)
        (answer,) = [answer async for answer in _run_async(driver)]
        return answer

    def _transform(
        self,
        chunks: Iterator[Any],
        run_manager: CallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,
    ) -> Iterator[Any]:
        input = _join(list(chunks))
        yield from _run_sync(self._drive(input, config, run_manager, True, kwargs))

    async def _atransform(
        self,
        chunks: AsyncIterator[Any],
        run_manager: AsyncCallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,
    ) -> AsyncIterator[Any]:
        input = _join([c async for c in chunks])
        async for chunk in _run_async(self._drive(input, config, run_manager, True, kwargs)):
            yield chunk
