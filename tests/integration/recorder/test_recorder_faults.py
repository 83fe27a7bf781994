"""The recorder over real HTTP: OpenAI-shaped answers, and the faults it injects on request."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest
from langchain_core.messages import AIMessageChunk
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from hybridchain.testing import RecorderServer

pytestmark = pytest.mark.integration


class Magic(BaseModel):
    """Apply a magic function."""

    input: int


@pytest.fixture
def cloud() -> Iterator[RecorderServer]:
    with RecorderServer() as server:
        yield server


def _chat(cloud: RecorderServer, **kwargs: object) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=cloud.base_url,
        api_key="x",  # type: ignore[arg-type]
        model="gpt-4o",
        max_retries=0,
        **kwargs,  # type: ignore[arg-type]
    )


def _collect(chunks: Iterator[AIMessageChunk]) -> AIMessageChunk:
    full: AIMessageChunk | None = None
    for chunk in chunks:
        full = chunk if full is None else full + chunk
    assert full is not None
    return full


def test_fail_with_times_fails_that_many_requests_then_recovers(cloud: RecorderServer) -> None:
    chat = _chat(cloud)
    cloud.fail_with(429, times=2)
    for _ in range(2):
        with pytest.raises(openai.RateLimitError):
            chat.invoke("hi")
    assert chat.invoke("hi").content == "cloud: hi"
    assert len(cloud.requests) == 3  # failed requests were still received


def test_fail_with_no_times_fails_until_cleared(cloud: RecorderServer) -> None:
    chat = _chat(cloud)
    cloud.fail_with(503)
    for _ in range(3):
        with pytest.raises(openai.InternalServerError):
            chat.invoke("hi")
    cloud.fail_with(200)
    assert chat.invoke("hi").content == "cloud: hi"
    cloud.fail_with(500)
    cloud.clear_faults()
    assert chat.invoke("again").content == "cloud: again"


def test_delay_makes_a_short_timeout_expire_and_the_request_is_recorded() -> None:
    with RecorderServer(delay_s=30) as cloud:
        with pytest.raises(openai.APITimeoutError):
            _chat(cloud, timeout=0.2).invoke("slow")
        assert "slow" in cloud.sent_text()
        cloud.delay(0)
        assert _chat(cloud).invoke("fast").content == "cloud: fast"


def test_fail_mid_stream_sends_some_chunks_then_breaks(cloud: RecorderServer) -> None:
    chat = _chat(cloud)
    cloud.fail_mid_stream(after_chunks=2, times=1)
    received: list[str] = []
    with pytest.raises(httpx.RemoteProtocolError):
        for chunk in chat.stream("a long enough answer"):
            received.append(str(chunk.content))
    assert "".join(received) == "cloud: a"  # two chunks of 4 characters
    assert chat.invoke("not streamed").content == "cloud: not streamed"
    assert _collect(chat.stream("whole")).content == "cloud: whole"


def test_fault_options_reject_bad_input(cloud: RecorderServer) -> None:
    with pytest.raises(ValueError, match="status"):
        cloud.fail_with(42)
    with pytest.raises(ValueError, match="times"):
        cloud.fail_with(500, times=0)
    with pytest.raises(ValueError, match="seconds"):
        cloud.delay(-1)
    with pytest.raises(ValueError, match="after_chunks"):
        cloud.fail_mid_stream(after_chunks=-1)


def test_tool_calls_invoke_and_stream(cloud: RecorderServer) -> None:
    chat = _chat(cloud).bind_tools([Magic], tool_choice="any")
    message = chat.invoke("What is Magic(3)?")
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [("Magic", {"input": 3})]
    streamed = _collect(chat.stream("What is Magic(4)?"))
    assert [(c["name"], c["args"]) for c in streamed.tool_calls] == [("Magic", {"input": 4})]


def test_structured_output_json_schema(cloud: RecorderServer) -> None:
    result = _chat(cloud).with_structured_output(Magic, method="json_schema").invoke("Magic(5)")
    assert result == Magic(input=5)
    assert cloud.requests[-1]["body"]["response_format"]["type"] == "json_schema"


def test_stream_usage_only_when_asked(cloud: RecorderServer) -> None:
    chat = _chat(cloud)
    assert _collect(chat.stream("one two")).usage_metadata is None
    usage = _collect(chat.stream("one two", stream_usage=True)).usage_metadata
    assert usage is not None
    assert (usage["input_tokens"], usage["output_tokens"]) == (2, 3)
