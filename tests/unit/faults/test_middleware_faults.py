"""HybridRoutingMiddleware: an unavailable model hands the call over, inside an agent's loop."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import openai
import pytest
from fault_drive import connect_error
from langchain.agents import create_agent
from langchain_core.callbacks import BaseCallbackHandler

from hybridchain.core.availability import FALLBACK_EVENT
from hybridchain.core.confidence import LocalModelUnavailableError
from hybridchain.langchain.middleware import HybridRoutingMiddleware
from hybridchain.langchain.router import ComplexityRouter
from hybridchain.testing import EchoChatModel
from hybridchain.testing.faults import FaultyChatModel

SSN = "536-22-8510"
_REQUEST = httpx.Request("POST", "https://cloud.example/v1/chat/completions")


class _Fallbacks(BaseCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def on_custom_event(self, name: str, data: Any, **kwargs: Any) -> None:
        if name == FALLBACK_EVENT:
            self.seen.append(data)


class _Simple:
    def score(self, _input: Any) -> float:
        return 0.0


def _ask(middleware: HybridRoutingMiddleware, text: str, use_async: bool) -> tuple[str, Any]:
    agent = create_agent(model=middleware.local, middleware=[middleware])
    events = _Fallbacks()
    payload = {"messages": [("user", text)]}
    config: Any = {"callbacks": [events]}
    if use_async:
        state = asyncio.run(agent.ainvoke(payload, config))
    else:
        state = agent.invoke(payload, config)
    return state["messages"][-1].text, events.seen


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_cloud_down_answers_from_local(use_async: bool) -> None:
    local = EchoChatModel(label="local")
    error = openai.InternalServerError(
        "down", response=httpx.Response(502, request=_REQUEST), body=None
    )
    cloud = FaultyChatModel(label="cloud", error=error)
    text, seen = _ask(
        HybridRoutingMiddleware(local=local, cloud=cloud), "What is 2 + 2?", use_async
    )
    assert text == "local: What is 2 + 2?"
    assert seen[0]["from"] == "cloud" and seen[0]["reason"] == "InternalServerError (HTTP 502)"


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_local_down_sends_a_public_simple_call_to_the_cloud(use_async: bool) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    router = ComplexityRouter(scorer=_Simple())
    middleware = HybridRoutingMiddleware(local=local, cloud=cloud, router=router)
    text, seen = _ask(middleware, "What is 2 + 2?", use_async)
    assert text == "cloud: What is 2 + 2?"
    assert (seen[0]["from"], seen[0]["to"]) == ("local", "cloud")


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_local_down_for_a_sensitive_call_never_reaches_the_cloud(use_async: bool) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    with pytest.raises(LocalModelUnavailableError, match="US_SSN"):
        _ask(HybridRoutingMiddleware(local=local, cloud=cloud), f"My SSN is {SSN}", use_async)
    assert cloud.requests == []


def test_local_down_in_pseudonymize_mode_sends_placeholders_only() -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    router = ComplexityRouter(scorer=_Simple())
    middleware = HybridRoutingMiddleware(
        local=local, cloud=cloud, router=router, mode="pseudonymize"
    )
    text, _ = _ask(middleware, f"My SSN is {SSN}", use_async=False)
    sent = " ".join(str(m.content) for r in cloud.requests for m in r)
    assert SSN not in sent and "<US_SSN_1>" in sent
    assert text == f"cloud: My SSN is {SSN}"  # restored before it enters the state


def test_fallback_can_be_switched_off() -> None:
    local = EchoChatModel(label="local")
    cloud = FaultyChatModel(label="cloud", error=connect_error())
    middleware = HybridRoutingMiddleware(local=local, cloud=cloud, fallback=False)
    with pytest.raises(httpx.ConnectError):
        _ask(middleware, "What is 2 + 2?", use_async=False)
    assert local.requests == []
