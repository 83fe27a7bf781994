"""Run a routing component through every entry point and collect what a caller sees."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import Runnable

ENTRY_POINTS = ("invoke", "ainvoke", "batch", "abatch", "stream", "astream", "astream_events")
STREAMS = ("stream", "astream", "astream_events")

_REQUEST = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def connect_error() -> httpx.ConnectError:
    """What httpx raises when nothing listens on the local model's port."""
    return httpx.ConnectError("[Errno 111] Connection refused", request=_REQUEST)


class _Events(BaseCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, Any]]] = []

    def on_custom_event(self, name: str, data: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.seen.append((name, data))


@dataclass
class Outcome:
    """What the caller got: the chunks (one for non-streaming calls) and the custom events."""

    chunks: list[Any]
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(str(getattr(c, "content", c)) for c in self.chunks)

    def named(self, name: str) -> list[dict[str, Any]]:
        return [data for n, data in self.events if n == name]


async def _astream_events(runnable: Runnable[Any, Any], input: Any, cfg: Any) -> Outcome:
    out = Outcome([])
    async for event in runnable.astream_events(input, cfg, version="v2"):
        if event["event"] == "on_custom_event":
            out.events.append((event["name"], event["data"]))
        elif event["event"] == "on_chain_stream" and not event["parent_ids"]:
            out.chunks.append(event["data"]["chunk"])
    return out


async def _astream(runnable: Runnable[Any, Any], input: Any, cfg: Any) -> list[Any]:
    return [c async for c in runnable.astream(input, cfg)]


def drive(runnable: Runnable[Any, Any], input: Any, how: str) -> Outcome:
    """Call ``runnable`` on ``input`` through the entry point ``how``."""
    events = _Events()
    cfg: Any = {"callbacks": [events]}
    if how == "astream_events":
        return asyncio.run(_astream_events(runnable, input, {}))
    if how == "invoke":
        chunks = [runnable.invoke(input, cfg)]
    elif how == "ainvoke":
        chunks = [asyncio.run(runnable.ainvoke(input, cfg))]
    elif how == "batch":
        chunks = runnable.batch([input], cfg)
    elif how == "abatch":
        chunks = asyncio.run(runnable.abatch([input], cfg))
    elif how == "stream":
        chunks = []
        try:
            for chunk in runnable.stream(input, cfg):
                chunks.append(chunk)
        except Exception as exc:
            exc.add_note(f"after {len(chunks)} chunk(s)")
            raise
    else:
        chunks = asyncio.run(_astream(runnable, input, cfg))
    return Outcome(chunks, events.seen)
