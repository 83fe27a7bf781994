"""HybridChatModel hands a call to the other model when one is down, as the gate does."""

from __future__ import annotations

import httpx
import pytest
from langchain_core.messages import AIMessageChunk

from hybridchain import ComplexityRouter, HybridChatModel, LocalModelUnavailableError
from hybridchain.core.availability import FALLBACK_KEY
from hybridchain.langchain.chat_model import ROUTE_KEY
from hybridchain.testing import EchoChatModel, FaultyChatModel

PUBLIC = "What is the capital of France?"
SENSITIVE = "My SSN is 536-22-8510, what is my tax bracket?"


def _model(*, after_chunks: int, fallback: bool = True) -> HybridChatModel:
    # The router keeps these public prompts local (their scores are below 1), so the local
    # model is asked first for both prompts.
    local = FaultyChatModel(
        label="local", error=httpx.ConnectError("refused"), after_chunks=after_chunks
    )
    return HybridChatModel(
        local=local,
        cloud=EchoChatModel(label="cloud"),
        router=ComplexityRouter(threshold=1.0),
        fallback=fallback,
    )


def _check_fallback_stream(chunks: list[AIMessageChunk]) -> None:
    routes = [c.response_metadata.get(ROUTE_KEY) for c in chunks]
    marks = [FALLBACK_KEY in c.response_metadata for c in chunks]
    assert marks.count(True) == 1
    start = marks.index(True)
    assert start == 2  # the two chunks the local model sent before it died come first
    assert routes[0] == "local" and routes[start] == "cloud"
    assert [r for r in routes if r is not None] == ["local", "cloud"]
    assert "".join(str(c.content) for c in chunks[start:]).startswith("cloud:")


def test_a_public_stream_cut_mid_way_names_the_cloud_on_the_fallback_chunk() -> None:
    _check_fallback_stream(list(_model(after_chunks=2).stream(PUBLIC)))


async def test_a_public_astream_cut_mid_way_names_the_cloud_on_the_fallback_chunk() -> None:
    _check_fallback_stream([c async for c in _model(after_chunks=2).astream(PUBLIC)])


def test_invoke_falls_back_and_says_so() -> None:
    answer = _model(after_chunks=0).invoke(PUBLIC)
    assert answer.response_metadata[ROUTE_KEY] == "cloud"
    assert str(answer.content).startswith("cloud:")


def test_fallback_off_raises_the_local_error() -> None:
    with pytest.raises(httpx.ConnectError):
        _model(after_chunks=0, fallback=False).invoke(PUBLIC)


def test_a_sensitive_call_never_falls_back_to_the_cloud() -> None:
    model = _model(after_chunks=1)
    with pytest.raises(LocalModelUnavailableError) as raised:
        list(model.stream(SENSITIVE))
    assert "536-22-8510" not in str(raised.value)
    assert model.cloud.requests == []  # type: ignore[attr-defined]
