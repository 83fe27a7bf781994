"""ConfidenceEscalator: a cloud tier that is down hands back the local answer; kept-local stays."""

from __future__ import annotations

import httpx
import openai
import pytest
from fault_drive import ENTRY_POINTS, STREAMS, connect_error, drive

from hybridchain import ConfidenceEscalator
from hybridchain.core.availability import FALLBACK_EVENT, FALLBACK_KEY
from hybridchain.core.confidence import LocalModelUnavailableError
from hybridchain.langchain.escalator import LOW_CONFIDENCE_KEY
from hybridchain.testing import EchoChatModel
from hybridchain.testing.faults import FaultyChatModel

UNSURE = "I think it is maybe Lyon, but I am not sure."
SSN = "536-22-8510"
_REQUEST = httpx.Request("POST", "https://cloud.example/v1/chat/completions")


def _server_error() -> openai.InternalServerError:
    return openai.InternalServerError(
        "down", response=httpx.Response(503, request=_REQUEST), body=None
    )


@pytest.mark.parametrize("how", ENTRY_POINTS)
def test_cloud_down_returns_the_local_answer_marked_low_confidence(how: str) -> None:
    local = EchoChatModel(label="local", reply=UNSURE)
    cloud = FaultyChatModel(label="cloud", error=_server_error())
    out = drive(ConfidenceEscalator(local=local, cloud=cloud), "Capital of France?", how)
    assert UNSURE in out.text
    assert len(cloud.requests) == 1
    (fallback,) = out.named(FALLBACK_EVENT)
    assert fallback["component"] == "escalator"
    assert (fallback["from"], fallback["to"], fallback["error"]) == (
        "cloud",
        "local",
        "InternalServerError",
    )
    if how in STREAMS:
        assert out.chunks[-1].response_metadata[LOW_CONFIDENCE_KEY] is True
    else:
        assert out.chunks[0].response_metadata[LOW_CONFIDENCE_KEY] is True


@pytest.mark.parametrize("how", STREAMS)
def test_cloud_cut_mid_stream_is_followed_by_the_local_answer(how: str) -> None:
    local = EchoChatModel(label="local", reply=UNSURE)
    cloud = FaultyChatModel(label="cloud", error=httpx.ReadError("reset"), after_chunks=2)
    out = drive(ConfidenceEscalator(local=local, cloud=cloud), "Capital of France?", how)
    (fallback,) = out.named(FALLBACK_EVENT)
    assert fallback["chunks_discarded"] == 2
    answer = out.chunks[2:]
    assert answer[0].response_metadata[FALLBACK_KEY] == fallback
    assert "".join(str(c.content) for c in answer) == UNSURE


@pytest.mark.parametrize("how", STREAMS)
def test_sensitive_request_whose_local_tier_dies_mid_stream_never_escalates(how: str) -> None:
    local = FaultyChatModel(label="local", reply=UNSURE, error=connect_error(), after_chunks=2)
    cloud = EchoChatModel(label="cloud")
    with pytest.raises(LocalModelUnavailableError) as info:
        drive(ConfidenceEscalator(local=local, cloud=cloud), f"My SSN is {SSN}.", how)
    assert cloud.requests == []
    assert info.value.entity_types == ("US_SSN",)
    assert SSN not in str(info.value)


@pytest.mark.parametrize("how", ENTRY_POINTS)
def test_sensitive_request_whose_local_tier_is_down_names_the_entity_types(how: str) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    with pytest.raises(LocalModelUnavailableError, match="US_SSN"):
        drive(ConfidenceEscalator(local=local, cloud=cloud), f"My SSN is {SSN}.", how)
    assert cloud.requests == []


@pytest.mark.parametrize("how", ENTRY_POINTS)
def test_both_tiers_down_raises_the_cloud_error(how: str) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = FaultyChatModel(label="cloud", error=_server_error())
    with pytest.raises(openai.InternalServerError):
        drive(ConfidenceEscalator(local=local, cloud=cloud), "Capital of France?", how)


def test_without_fallback_a_cloud_failure_is_raised() -> None:
    local = EchoChatModel(label="local", reply=UNSURE)
    cloud = FaultyChatModel(label="cloud", error=_server_error())
    esc = ConfidenceEscalator(local=local, cloud=cloud, fallback=False)
    with pytest.raises(openai.InternalServerError):
        esc.invoke("Capital of France?")
