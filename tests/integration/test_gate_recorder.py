"""The gate in front of a real OpenAI client talking to the loopback recorder cloud."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from hybridchain import SensitiveDataError, SensitivityGate
from hybridchain.testing import EchoChatModel, RecorderServer

pytestmark = pytest.mark.integration

EMAIL = "ann.lee@example.org"
CARD = "4111 1111 1111 1111"
KEY = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def cloud_model(recorder: RecorderServer) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=recorder.base_url, api_key="test", model="gpt-4o-mini", max_retries=0
    )


def test_route_mode_never_sends_sensitive_requests(recorder: RecorderServer) -> None:
    local = EchoChatModel(label="local")
    gate = SensitivityGate(local=local, cloud=cloud_model(recorder))
    assert gate.invoke("Name three primary colours.").content.startswith("cloud:")
    gate.invoke([SystemMessage(f"card on file {CARD}"), HumanMessage("summarize")])
    gate.invoke(f"my token is {KEY}")
    list(gate.stream(f"write to {EMAIL}"))
    assert len(recorder.requests) == 1
    sent = recorder.sent_text()
    for value in (EMAIL, CARD, KEY):
        assert value not in sent
    assert len(local.requests) == 3


@pytest.mark.parametrize("stream", [False, True])
def test_pseudonymize_mode_sends_only_placeholders(recorder: RecorderServer, stream: bool) -> None:
    gate = SensitivityGate(local=EchoChatModel(), cloud=cloud_model(recorder), mode="pseudonymize")
    prompt = f"Reply to {EMAIL} about card {CARD}"
    if stream:
        text = "".join(c.content for c in gate.stream(prompt))
    else:
        text = gate.invoke(prompt).content
    assert text == f"cloud: {prompt}"
    sent = recorder.sent_text()
    assert "<EMAIL_ADDRESS_1>" in sent and "<CREDIT_CARD_1>" in sent
    assert EMAIL not in sent and CARD not in sent


def test_block_mode_sends_nothing(recorder: RecorderServer) -> None:
    gate = SensitivityGate(local=EchoChatModel(), cloud=cloud_model(recorder), mode="block")
    with pytest.raises(SensitiveDataError):
        gate.invoke(f"mail {EMAIL}")
    assert recorder.requests == []


async def test_async_paths(recorder: RecorderServer) -> None:
    gate = SensitivityGate(local=EchoChatModel(), cloud=cloud_model(recorder), mode="pseudonymize")
    out = await gate.ainvoke(f"hi {EMAIL}")
    chunks = [c async for c in gate.astream(f"hi {EMAIL}")]
    assert out.content == f"cloud: hi {EMAIL}"
    assert "".join(c.content for c in chunks) == f"cloud: hi {EMAIL}"
    assert EMAIL not in recorder.sent_text()
