"""What the never-leak suite watches: the loopback cloud, decision records, logs, exceptions.

One ``Watch`` per generated example collects everything that could carry a value out of
the process or into an operator's view, and ``Watch.assert_clean`` checks none of it holds
one of the example's raw values.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_openai import ChatOpenAI

from hybridchain.core.decision import EVENT_NAME
from hybridchain.testing import RecorderServer
from tests.invariant.leak_values import Secret, dumped, leaked, strings_in

__all__ = [
    "ENTRY_POINTS",
    "Tap",
    "Targets",
    "Watch",
    "call",
    "cloud_model",
    "tapped",
    "text_of",
]

ENTRY_POINTS = ("invoke", "ainvoke", "batch", "abatch", "stream", "astream", "astream_events")
"""Every way a Runnable can be called."""


def cloud_model(recorder: RecorderServer, **kwargs: Any) -> ChatOpenAI:
    """A real OpenAI client aimed at the loopback recorder (no retries unless asked)."""
    kwargs.setdefault("max_retries", 0)
    return ChatOpenAI(base_url=recorder.base_url, api_key="sk-x", model="gpt-4o-mini", **kwargs)


class Targets(dict[Any, Runnable[Any, Any]]):
    """Runnables under test by name, shown by their names only (in failure reports)."""

    def __repr__(self) -> str:
        return f"Targets({sorted(map(str, self))})"


class Tap(logging.Handler):
    """Keep every formatted log record (DEBUG and up) of every logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        if record.exc_info:
            self.lines.append("".join(traceback.format_exception(*record.exc_info)))


@contextmanager
def tapped() -> Iterator[Tap]:
    """Capture the logs of every logger at DEBUG while the block runs."""
    tap = Tap()
    root = logging.getLogger()
    old = root.level
    root.addHandler(tap)
    root.setLevel(logging.DEBUG)
    try:
        yield tap
    finally:
        root.removeHandler(tap)
        root.setLevel(old)


class _Records(BaseCallbackHandler):
    """Collect decision events and the metadata of every run."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.metadata: list[Any] = []
        self.errors: list[str] = []

    def on_custom_event(self, name: str, data: Any, **kwargs: Any) -> None:
        self.events.append({"name": name, "data": data})

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.metadata.append(kwargs.get("metadata"))

    def on_chain_start(self, serialized: Any, inputs: Any, **kwargs: Any) -> None:
        self.metadata.append(kwargs.get("metadata"))

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        self.errors.append(repr(error))

    def on_chain_error(self, error: BaseException, **kwargs: Any) -> None:
        self.errors.append(repr(error))


@dataclass
class Watch:
    """Everything one example could leak through."""

    recorder: RecorderServer
    tap: Tap
    records: _Records = field(default_factory=_Records)
    error: BaseException | None = None
    stream_events: list[Any] = field(default_factory=list)

    def fresh(self) -> Watch:
        """Start an example: nothing recorded yet (same cloud, same log tap)."""
        self.recorder.requests.clear()
        self.tap.lines.clear()
        return Watch(self.recorder, self.tap)

    @property
    def config(self) -> RunnableConfig:
        """A run config that reports to this watch."""
        return {"callbacks": [self.records], "tags": ["never-leak"]}

    def sent(self) -> list[str]:
        """Every string the loopback cloud received, decoded."""
        return strings_in([r["body"] for r in self.recorder.requests])

    def decisions(self) -> list[dict[str, Any]]:
        """The ``hybridchain_decision`` records dispatched."""
        return [e["data"] for e in self.records.events if e["name"] == EVENT_NAME]

    def _error_text(self) -> str:
        parts: list[str] = []
        seen: set[int] = set()
        error = self.error
        while error is not None and id(error) not in seen:
            seen.add(id(error))
            parts += [str(error), repr(error), repr(error.args)]
            error = error.__cause__ or error.__context__
        return "\n".join(parts)

    def assert_clean(self, secret: Secret) -> None:
        """No raw value of ``secret`` reached the cloud, a record, a log or an exception."""
        assert leaked(secret.values, self.sent()) == [], "reached the cloud"
        records = dumped([self.records.events, self.records.metadata, self.stream_events])
        assert leaked(secret.values, records) == [], "in a decision record or run metadata"
        assert leaked(secret.values, self.tap.lines) == [], "in a log line"
        errors = self._error_text() + "\n".join(self.records.errors)
        assert leaked(secret.values, errors) == [], "in an exception"


def text_of(output: Any) -> str:
    """The text of a model answer (message, chunk, or list of them)."""
    if isinstance(output, BaseMessage):
        return output.text
    if isinstance(output, list):
        return "".join(text_of(o) for o in output)
    return str(output)


def _join(chunks: list[Any]) -> Any:
    total: Any = None
    for chunk in chunks:
        total = chunk if total is None else total + chunk
    return total


def call(
    entry: str,
    runnable: Runnable[Any, Any],
    input: Any,
    watch: Watch,
    loop: asyncio.AbstractEventLoop,
    companion: Any = None,
) -> Any:
    """Call ``runnable`` through ``entry``; batches also carry ``companion`` (a public request).

    Returns the answer to ``input`` (a stream's chunks joined); an exception is kept in
    ``watch.error`` and ``None`` returned.
    """
    config = watch.config
    batch = [input] if companion is None else [input, companion]
    try:
        if entry == "invoke":
            return runnable.invoke(input, config)
        if entry == "ainvoke":
            return loop.run_until_complete(runnable.ainvoke(input, config))
        if entry == "batch":
            return runnable.batch(batch, config)[0]
        if entry == "abatch":
            return loop.run_until_complete(runnable.abatch(batch, config))[0]
        if entry == "stream":
            return _join(list(runnable.stream(input, config)))
        if entry == "astream":

            async def chunks() -> list[Any]:
                return [c async for c in runnable.astream(input, config)]

            return _join(loop.run_until_complete(chunks()))
        if entry == "astream_events":

            async def events() -> list[Any]:
                return [e async for e in runnable.astream_events(input, config, version="v2")]

            seen = loop.run_until_complete(events())
            watch.stream_events = [e for e in seen if e["event"] == "on_custom_event"]
            ends = [e for e in seen if e["event"].endswith("_end") and not e["parent_ids"]]
            return ends[-1]["data"]["output"] if ends else None
    except Exception as exc:
        watch.error = exc
        return None
    raise ValueError(f"unknown entry point {entry!r}; use one of {ENTRY_POINTS}")
