"""PseudonymizingRouter over a real ``litellm.Router`` whose deployments are loopback recorders.

The cloud recorder echoes the last message (``cloud: …``), so a masked request comes back
with placeholders and the caller must get the real values; the recorders show exactly what
each deployment was sent.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import convert_to_openai_messages

from hybridchain.core.pseudonymize import PLACEHOLDER_RE
from hybridchain.testing import RecorderServer
from tests.invariant.leak_values import PLACES, Secret, conversation, leaked, secrets, strings_in

litellm = pytest.importorskip("litellm")

from hybridchain.litellm import HybridFallbackGuard, PseudonymizingRouter  # noqa: E402

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore:Items? .*ReadOnly:UserWarning"),
]

ENTRIES = ("completion", "acompletion", "stream", "astream")
SSN = "536-22-8471"
CARD = "4111 1111 1111 1111"
EMAIL = "ann.lee@example.com"
IBAN = "DE89 3704 0044 0532 0130 00"
NAME = "Ann Lee"
VALUES = (SSN, CARD, EMAIL, IBAN, NAME)
PROMPT = (
    f"Dear support, I am {NAME} ({EMAIL}). Refund card {CARD} to IBAN {IBAN}; "
    f"my SSN is {SSN}. Explain the steps and the timeline in detail."
)


@pytest.fixture(scope="module")
def chat(servers: tuple[RecorderServer, RecorderServer]) -> Iterator[PseudonymizingRouter]:
    local, cloud = servers

    def deployment(where: str, server: RecorderServer) -> dict[str, Any]:
        params = {"model": f"openai/{where}-model", "api_base": server.base_url, "api_key": "x"}
        return {
            "model_name": "chat",
            "litellm_params": params,
            "model_info": {"hybridchain": where},
        }

    router = litellm.Router(
        model_list=[deployment("local", local), deployment("cloud", cloud)], num_retries=0
    )
    saved = list(litellm.callbacks)
    litellm.callbacks.append(HybridFallbackGuard())
    try:
        # Threshold 0: every request the policy lets out, masked or public, goes to the cloud.
        yield PseudonymizingRouter(router, threshold=0.0)
    finally:
        litellm.callbacks[:] = saved


@dataclass
class Answer:
    """What the caller got: the text and each tool call's arguments, streams assembled."""

    text: str
    arguments: list[str]


def answer_of(response: Any) -> Answer:
    message = response.choices[0].message
    calls = message.tool_calls or []
    return Answer(message.content or "", [c.function.arguments for c in calls])


def assembled(chunks: list[Any]) -> Answer:
    text, arguments = "", defaultdict(str)
    for chunk in chunks:
        for choice in chunk.choices:
            text += choice.delta.content or ""
            for call in choice.delta.tool_calls or []:
                arguments[call.index] += call.function.arguments or ""
    return Answer(text, [arguments[i] for i in sorted(arguments)])


def send(
    chat: PseudonymizingRouter,
    loop: asyncio.AbstractEventLoop,
    entry: str,
    messages: Any,
    **kwargs: Any,
) -> Answer:
    """Call ``chat`` the way ``entry`` names."""
    if entry == "completion":
        return answer_of(chat.completion(model="chat", messages=messages, **kwargs))
    if entry == "stream":
        return assembled(
            list(chat.completion(model="chat", messages=messages, stream=True, **kwargs))
        )

    async def go() -> Answer:
        if entry == "acompletion":
            return answer_of(await chat.acompletion(model="chat", messages=messages, **kwargs))
        chunks = await chat.acompletion(model="chat", messages=messages, stream=True, **kwargs)
        return assembled([c async for c in chunks])

    return loop.run_until_complete(go())


@pytest.mark.parametrize("entry", ENTRIES)
def test_the_cloud_gets_placeholders_and_the_caller_the_real_answer(
    chat: PseudonymizingRouter,
    servers: tuple[RecorderServer, RecorderServer],
    loop: asyncio.AbstractEventLoop,
    entry: str,
) -> None:
    local, cloud = servers
    before, local_before = len(cloud.requests), len(local.requests)
    messages = [{"role": "user", "content": PROMPT}]
    assert send(chat, loop, entry, messages).text == f"cloud: {PROMPT}"
    sent = cloud.requests[before:]
    assert len(sent) == 1 and len(local.requests) == local_before
    assert leaked(VALUES, strings_in(sent)) == []
    assert len(PLACEHOLDER_RE.findall(json.dumps(sent))) >= len(VALUES)


@pytest.mark.parametrize("entry", ENTRIES)
def test_tool_call_arguments_come_back_with_the_real_values(
    chat: PseudonymizingRouter,
    servers: tuple[RecorderServer, RecorderServer],
    loop: asyncio.AbstractEventLoop,
    entry: str,
) -> None:
    _, cloud = servers
    before = len(cloud.requests)
    tool = {
        "type": "function",
        "function": {
            "name": "refund",
            "description": "Refund a customer.",
            "parameters": {
                "type": "object",
                "properties": {"email": {"type": "string"}},
                "required": ["email"],
            },
        },
    }
    # The recorder fills a string argument with the quoted phrase of the user's message.
    messages = [{"role": "user", "content": f'Refund "{EMAIL}", SSN {SSN}, today.'}]
    # Streamed, the recorder cuts the arguments every 8 characters, placeholders included.
    [arguments] = send(chat, loop, entry, messages, tools=[tool]).arguments
    assert json.loads(arguments) == {"email": EMAIL}
    assert leaked((EMAIL, SSN), strings_in(cloud.requests[before:])) == []


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secret=secrets(), place=st.sampled_from(PLACES), entry=st.sampled_from(ENTRIES))
def test_no_generated_value_reaches_the_cloud(
    chat: PseudonymizingRouter,
    servers: tuple[RecorderServer, RecorderServer],
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    place: str,
    entry: str,
) -> None:
    local, cloud = servers
    messages = convert_to_openai_messages(conversation(secret.text, place))
    before = len(cloud.requests)
    answer = send(chat, loop, entry, messages).text
    sent = cloud.requests[before:]
    assert leaked(secret.values, strings_in(sent)) == []
    if secret.hideable:
        # Masked and sent: the echo comes back with every placeholder restored.
        assert len(sent) == 1 and answer.startswith("cloud: ")
        assert PLACEHOLDER_RE.search(answer) is None
        if place == "last":
            assert answer == f"cloud: {secret.text}"
    else:  # a marker placeholders cannot hide: local, unmasked
        assert sent == [] and answer == local.reply
