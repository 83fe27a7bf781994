"""The embedded model answers through ChatOpenAI, with log-probabilities and streaming."""

from __future__ import annotations

import httpx
import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage

from hybridchain.local import LocalServer

pytestmark = pytest.mark.integration


def test_answers_a_short_prompt(local_server: LocalServer) -> None:
    chat = local_server.chat_model(max_tokens=4)
    message = chat.invoke("What is the capital of France?")
    assert isinstance(message, AIMessage)
    assert isinstance(message.content, str) and message.content.strip()
    usage = message.usage_metadata
    assert usage is not None and 0 < usage["output_tokens"] <= 4


def test_logprobs_come_back_when_asked(local_server: LocalServer) -> None:
    chat = local_server.chat_model(max_tokens=2, logprobs=True, top_logprobs=2)
    message = chat.invoke("Is the sky blue? Answer yes or no.")
    tokens = message.response_metadata["logprobs"]["content"]
    assert 0 < len(tokens) <= 2
    for token in tokens:
        assert token["logprob"] <= 0.0
        assert 1 <= len(token["top_logprobs"]) <= 2


def test_no_logprobs_unless_asked(local_server: LocalServer) -> None:
    message = local_server.chat_model(max_tokens=1).invoke("Say hi.")
    assert not message.response_metadata.get("logprobs")


def test_streams(local_server: LocalServer) -> None:
    chat = local_server.chat_model(max_tokens=4)
    chunks = list(chat.stream("Count: one, two,"))
    assert chunks and all(isinstance(c, AIMessageChunk) for c in chunks)
    assert "".join(str(c.content) for c in chunks).strip()


async def test_async_invoke(local_server: LocalServer) -> None:
    # An own client, closed here: the shared default one would outlive the event loop.
    async with httpx.AsyncClient() as client:
        chat = local_server.chat_model(max_tokens=2, http_async_client=client)
        message = await chat.ainvoke("Say hi.")
    assert str(message.content).strip()


def test_isolate_makes_logprobs_independent_of_the_previous_prompt(
    local_server: LocalServer,
) -> None:
    # Repeating a prompt lets the server reuse all of it from its cache, which alone
    # moves the figures a little; the throwaway request evens that out.
    system = SystemMessage("Classify the request as simple or complex, in one word. " * 3)
    prompt = [system, HumanMessage("Prove that there are infinitely many primes.")]
    scored = local_server.chat_model(max_tokens=1, logprobs=True, isolate=True)
    plain = local_server.chat_model(max_tokens=1)
    figures = []
    for before in ([system, HumanMessage("What is 2+2?")], prompt):
        plain.invoke(before)
        message = scored.invoke(prompt)
        figures.append(message.response_metadata["logprobs"]["content"][0]["logprob"])
    assert figures[0] == figures[1]
