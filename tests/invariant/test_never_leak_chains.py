"""Never leak, through every Runnable entry point of the gate and the composed chains.

Generated requests carry personal data, secrets and confidentiality markers in many
formats and disguises, in every place a request can hold text. The cloud is a real
OpenAI client talking to the loopback recorder; the local model is a fake (the invariant
is about what reaches the cloud).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hybridchain import ConfidenceEscalator, SensitivityGate
from hybridchain.core.config import load_config
from hybridchain.langchain.from_config import hybrid_chain
from hybridchain.testing import EchoChatModel, RecorderServer
from tests.invariant.leak_harness import (
    ENTRY_POINTS,
    Targets,
    Watch,
    call,
    cloud_model,
    tapped,
    text_of,
)
from tests.invariant.leak_values import PLACES, Secret, conversation, public_prompts, secrets

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")

# Unseen prompts: seed 11 is not the corpus the detectors were tuned on.
SECRETS = secrets(seed=11)


def _chains(mode: str, recorder: RecorderServer) -> Targets:
    local = EchoChatModel(label="local")
    cloud = cloud_model(recorder)
    # Router threshold 1: every request is "simple" and goes to the escalator; escalator
    # threshold 1: every local answer is doubted, so whatever may escalate does.
    config = load_config(
        f"hybridchain: {{gate: {{mode: {mode}}}, router: {{threshold: 1.0}}, "
        "escalator: {threshold: 1.0}}"
    )
    chains = Targets(
        {
            "gate": SensitivityGate(local=local, cloud=cloud, mode=mode),
            "gate|router|escalator": hybrid_chain(config, local=local, cloud=cloud),
        }
    )
    if mode == "route":
        escalator = ConfidenceEscalator(local=local, cloud=cloud, threshold=1.0)
        chains["escalator"] = escalator
        chains["gate(local=escalator)"] = SensitivityGate(local=escalator, cloud=cloud)
    return chains


@pytest.fixture(scope="module")
def route_chains(recorder: RecorderServer) -> Targets:
    return _chains("route", recorder)


@pytest.fixture(scope="module")
def pseudonymize_chains(recorder: RecorderServer) -> Targets:
    return _chains("pseudonymize", recorder)


@pytest.fixture(scope="module")
def watch(recorder: RecorderServer) -> Iterator[Watch]:
    with tapped() as tap:
        yield Watch(recorder, tap)


def _last_text(messages: list[Any]) -> str:
    return text_of(messages[-1])


@settings(max_examples=700)
@given(
    secret=SECRETS,
    place=st.sampled_from(PLACES),
    entry=st.sampled_from(ENTRY_POINTS),
    chain=st.sampled_from(["gate", "gate|router|escalator", "escalator", "gate(local=escalator)"]),
    companion=public_prompts,
)
def test_route_mode_sends_no_sensitive_request(
    route_chains: Targets,
    watch: Watch,
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    place: str,
    entry: str,
    chain: str,
    companion: str,
) -> None:
    w = watch.fresh()
    messages = conversation(secret.text, place)
    out = call(entry, route_chains[chain], messages, w, loop, companion=companion)
    assert w.error is None, repr(w.error)
    assert text_of(out).startswith("local: ")
    if entry in ("batch", "abatch"):
        # The public companion may go out; nothing else.
        assert len(w.recorder.requests) <= 1
        assert companion in "".join(w.sent())
    else:
        assert w.recorder.requests == []
        assert w.decisions() and all(d["target"] == "local" for d in w.decisions())
    w.assert_clean(secret)


@settings(max_examples=700)
@given(
    secret=SECRETS,
    place=st.sampled_from(PLACES),
    entry=st.sampled_from(ENTRY_POINTS),
    chain=st.sampled_from(["gate", "gate|router|escalator"]),
)
def test_pseudonymize_mode_sends_only_placeholders(
    pseudonymize_chains: Targets,
    watch: Watch,
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    place: str,
    entry: str,
    chain: str,
) -> None:
    w = watch.fresh()
    messages = conversation(secret.text, place)
    out = call(entry, pseudonymize_chains[chain], messages, w, loop)
    assert w.error is None, repr(w.error)
    answer = text_of(out)
    if secret.hideable:
        # The cloud answered from placeholders; the answer comes back with the real values.
        assert w.recorder.requests
        assert PLACEHOLDER.search("".join(w.sent()))
        assert answer.startswith("cloud: ")
        assert _last_text(messages).strip() in answer
    else:
        # A marker cannot be hidden by a placeholder: the request stays local.
        assert w.recorder.requests == []
        assert answer.startswith("local: ")
    w.assert_clean(secret)
