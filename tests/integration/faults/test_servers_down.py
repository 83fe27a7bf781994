"""Real servers failing: the local model down or killed mid-stream, the cloud down."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessageChunk
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from hybridchain import ComplexityRouter, HybridChatModel, SensitivityGate
from hybridchain.core.availability import FALLBACK_EVENT, FALLBACK_KEY
from hybridchain.core.confidence import LocalModelUnavailableError
from hybridchain.local import LocalServer, openai_compatible
from hybridchain.testing import EchoChatModel, RecorderServer
from hybridchain.testing.faults import kill_server, unreachable_base_url

pytestmark = pytest.mark.integration

SSN = "536-22-8510"
SENSITIVE = f"My SSN is {SSN}. Count from one to twenty."
PUBLIC = "Count from one to twenty, in words."


class _Events(BaseCallbackHandler):
    def __init__(self) -> None:
        self.fallbacks: list[dict[str, Any]] = []

    def on_custom_event(self, name: str, data: Any, *, run_id: UUID, **kwargs: Any) -> None:
        if name == FALLBACK_EVENT:
            self.fallbacks.append(data)


def _cloud(recorder: RecorderServer) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=recorder.base_url, api_key=SecretStr("x"), model="gpt-4o", max_retries=0
    )


def _simple_first(local: Any, cloud: Any) -> ComplexityRouter:
    return ComplexityRouter(local=local, cloud=cloud, threshold=1.0)  # everything is "simple"


@pytest.fixture
def closed_local() -> ChatOpenAI:
    """A local model whose port nobody listens on."""
    return openai_compatible(unreachable_base_url(), "gemma", max_tokens=4)


@pytest.fixture
def own_server() -> Iterator[LocalServer]:
    """An embedded server of this test's own, free to be killed."""
    with LocalServer(n_ctx=512) as server:
        yield server


# -- local down -----------------------------------------------------------------------


def test_public_request_goes_to_the_cloud_when_the_local_port_is_closed(
    closed_local: ChatOpenAI, recorder: RecorderServer
) -> None:
    events = _Events()
    router = _simple_first(closed_local, _cloud(recorder))
    out = router.invoke(PUBLIC, {"callbacks": [events]})
    assert out.content == f"cloud: {PUBLIC}"
    assert events.fallbacks[0]["error"].endswith("ConnectionError")
    streamed = "".join(str(c.content) for c in router.stream(PUBLIC))
    assert streamed == f"cloud: {PUBLIC}"
    assert len(recorder.requests) == 2


def test_sensitive_request_fails_clearly_and_the_cloud_receives_nothing(
    closed_local: ChatOpenAI, recorder: RecorderServer
) -> None:
    gate = SensitivityGate(local=closed_local, cloud=_cloud(recorder))
    with pytest.raises(LocalModelUnavailableError, match="US_SSN") as info:
        gate.invoke(SENSITIVE)
    assert SSN not in str(info.value)
    with pytest.raises(LocalModelUnavailableError):
        list(gate.stream(SENSITIVE))
    with pytest.raises(LocalModelUnavailableError):
        asyncio.run(gate.ainvoke(SENSITIVE))
    assert recorder.requests == []


def test_hybrid_chat_model_inherits_the_fallback(
    closed_local: ChatOpenAI, recorder: RecorderServer
) -> None:
    cloud = _cloud(recorder)
    model = HybridChatModel(
        local=closed_local, cloud=cloud, router=_simple_first(closed_local, cloud)
    )
    assert model.invoke(PUBLIC).content == f"cloud: {PUBLIC}"
    with pytest.raises(LocalModelUnavailableError):
        model.invoke(SENSITIVE)
    assert SSN not in recorder.sent_text()


def test_a_stopped_local_server_sends_public_requests_to_the_cloud(
    own_server: LocalServer, recorder: RecorderServer
) -> None:
    local = own_server.chat_model(max_tokens=4)
    own_server.stop()
    gate = SensitivityGate(local=local, cloud=_simple_first(local, _cloud(recorder)))
    assert gate.invoke(PUBLIC).content == f"cloud: {PUBLIC}"
    with pytest.raises(LocalModelUnavailableError):
        gate.invoke(SENSITIVE)
    assert len(recorder.requests) == 1 and SSN not in recorder.sent_text()


# -- local killed mid-stream ----------------------------------------------------------


def _kill_after_first_chunk(server: LocalServer, stream: Iterator[Any]) -> list[Any]:
    chunks: list[Any] = []
    for chunk in stream:
        chunks.append(chunk)
        if len(chunks) == 1:
            kill_server(server)  # SIGKILL to its process group, as a crash would
    return chunks


def test_local_killed_mid_stream_public_request_continues_from_the_cloud(
    own_server: LocalServer, recorder: RecorderServer
) -> None:
    local = own_server.chat_model(max_tokens=48)
    events = _Events()
    router = _simple_first(local, _cloud(recorder))
    chunks = _kill_after_first_chunk(own_server, router.stream(PUBLIC, {"callbacks": [events]}))
    (fallback,) = events.fallbacks
    n = fallback["chunks_discarded"]
    assert n >= 1 and fallback["from"] == "local" and fallback["to"] == "cloud"
    answer = chunks[n:]
    assert isinstance(answer[0], AIMessageChunk)
    assert answer[0].response_metadata[FALLBACK_KEY]["chunks_discarded"] == n
    assert "".join(str(c.content) for c in answer) == f"cloud: {PUBLIC}"
    assert len(recorder.requests) == 1


def test_local_killed_mid_stream_sensitive_request_never_reaches_the_cloud(
    own_server: LocalServer, recorder: RecorderServer
) -> None:
    local = own_server.chat_model(max_tokens=48)
    gate = SensitivityGate(local=local, cloud=_cloud(recorder))
    with pytest.raises(LocalModelUnavailableError):
        _kill_after_first_chunk(own_server, gate.stream(SENSITIVE))
    assert recorder.requests == []


# -- cloud down -----------------------------------------------------------------------


@pytest.mark.parametrize("fault", ["500", "stopped", "mid-stream"])
def test_cloud_down_is_answered_by_the_local_model(local_server: LocalServer, fault: str) -> None:
    recorder = RecorderServer().start()
    cloud = _cloud(recorder)
    events = _Events()
    if fault == "500":
        recorder.fail_with(500)
    elif fault == "stopped":
        recorder.stop()
    else:
        recorder.fail_mid_stream(after_chunks=2)
    gate = SensitivityGate(local=local_server.chat_model(max_tokens=2), cloud=cloud)
    try:
        chunks = list(gate.stream("What is the capital of France?", {"callbacks": [events]}))
    finally:
        recorder.stop()
    (fallback,) = events.fallbacks
    assert (fallback["from"], fallback["to"]) == ("cloud", "local")
    answer = chunks[fallback["chunks_discarded"] :]
    assert answer and not "".join(str(c.content) for c in answer).startswith("cloud:")


@pytest.mark.parametrize("fault", ["429", "timeout"])
def test_cloud_throttled_or_slow_is_answered_locally(recorder: RecorderServer, fault: str) -> None:
    local = EchoChatModel(label="local")
    if fault == "429":
        recorder.fail_with(429)
        cloud = _cloud(recorder)
    else:
        recorder.delay(5.0)
        cloud = ChatOpenAI(
            base_url=recorder.base_url,
            api_key=SecretStr("x"),
            model="gpt-4o",
            max_retries=0,
            timeout=0.3,
        )
    events = _Events()
    out = SensitivityGate(local=local, cloud=cloud).invoke(PUBLIC, {"callbacks": [events]})
    assert out.content == f"local: {PUBLIC}"
    assert events.fallbacks[0]["from"] == "cloud"
    assert len(recorder.requests) == 1


def test_client_retries_run_before_any_fallback(recorder: RecorderServer) -> None:
    recorder.fail_with(503, times=1)
    cloud = ChatOpenAI(
        base_url=recorder.base_url, api_key=SecretStr("x"), model="gpt-4o", max_retries=1
    )
    local = EchoChatModel(label="local")
    events = _Events()
    out = SensitivityGate(local=local, cloud=cloud).invoke(PUBLIC, {"callbacks": [events]})
    assert out.content == f"cloud: {PUBLIC}"
    assert len(recorder.requests) == 2 and events.fallbacks == [] and local.requests == []
