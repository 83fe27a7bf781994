"""ConfidenceEscalator on the real embedded model, escalating to the loopback recorder cloud."""

from __future__ import annotations

import pytest
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from hybridchain import ConfidenceEscalator, SensitivityGate
from hybridchain.langchain.escalator import LOW_CONFIDENCE_KEY
from hybridchain.local import LocalServer
from hybridchain.testing import RecorderServer

pytestmark = pytest.mark.integration

# Measured on the embedded Gemma 3 270M (chat format, 4 tokens, temperature 0): the day list is
# continued with confidence near 0.7, the open completion with confidence near 0.02.
CONFIDENT = "Monday, Tuesday, Wednesday,"
UNSURE = "The sky is"
THRESHOLD = 0.4


@pytest.fixture
def recorder() -> RecorderServer:
    with RecorderServer() as server:
        yield server  # type: ignore[misc]


def escalator(server: LocalServer, recorder: RecorderServer) -> ConfidenceEscalator:
    local = server.chat_model(max_tokens=4, logprobs=True, top_logprobs=5, isolate=True)
    cloud = ChatOpenAI(
        base_url=recorder.base_url, api_key=SecretStr("x"), model="gpt-4o", max_retries=0
    )
    return ConfidenceEscalator(local=local, cloud=cloud, threshold=THRESHOLD)


def test_confidence_comes_from_real_log_probabilities(
    local_server: LocalServer, recorder: RecorderServer
) -> None:
    esc = escalator(local_server, recorder)
    model = local_server.chat_model(max_tokens=4, logprobs=True, top_logprobs=5, isolate=True)
    answer = model.invoke(CONFIDENT)
    assessment = esc.assess(CONFIDENT, answer)
    assert {"min_prob", "mean_prob", "first_margin"} <= assessment.signals.keys()
    assert 0.0 < assessment.signals["min_prob"] <= assessment.signals["mean_prob"] <= 1.0
    assert 0.0 <= assessment.confidence <= 1.0


def test_high_confidence_is_not_escalated(
    local_server: LocalServer, recorder: RecorderServer
) -> None:
    out = escalator(local_server, recorder).invoke(CONFIDENT)
    assert recorder.requests == []
    assert not out.response_metadata.get(LOW_CONFIDENCE_KEY)


def test_low_confidence_is_escalated_to_the_cloud(
    local_server: LocalServer, recorder: RecorderServer
) -> None:
    out = escalator(local_server, recorder).invoke(UNSURE)
    assert len(recorder.requests) == 1
    assert out.content == f"cloud: {UNSURE}"


def test_confidential_prompt_is_never_escalated(
    local_server: LocalServer, recorder: RecorderServer
) -> None:
    prompt = f"My SSN is 536-22-8510. {UNSURE}"
    out = escalator(local_server, recorder).invoke(prompt)
    assert recorder.requests == []
    assert out.response_metadata.get(LOW_CONFIDENCE_KEY) is True
    # Behind a gate in route mode the escalator only ever sees public data.
    gate = SensitivityGate(
        local=escalator(local_server, recorder), cloud=escalator(local_server, recorder)
    )
    gate.invoke(prompt)
    assert "536-22-8510" not in recorder.sent_text()
