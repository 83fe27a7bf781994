"""Never leak when things go wrong: the local model down or killed mid-stream, the cloud
answering 429/500/503 through the OpenAI client's retries, an exhausted budget.

Fallbacks may move a request from one target to the other; none may move data the
policy keeps local to the cloud.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.runnables import Runnable
from langchain_openai import ChatOpenAI

from hybridchain import Budget, BudgetGuard, LocalModelUnavailableError, SensitivityGate
from hybridchain.core.config import load_config
from hybridchain.core.cost.memory import MemoryLedger
from hybridchain.langchain.from_config import hybrid_chain
from hybridchain.testing import EchoChatModel, RecorderServer
from hybridchain.testing.faults import FaultyChatModel, unreachable_base_url
from tests.invariant.leak_harness import ENTRY_POINTS, Watch, call, cloud_model, tapped, text_of
from tests.invariant.leak_values import PLACES, Secret, conversation, public_prompts, secrets

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")
SECRETS = secrets(seed=11)
MODES = st.sampled_from(["route", "pseudonymize"])
CHAINS = st.sampled_from(["gate", "gate|router|escalator"])

_REQUEST = httpx.Request("POST", "http://10.0.0.1/v1/chat/completions")
LOCAL_ERRORS = st.sampled_from(
    [
        lambda: ConnectionRefusedError(111, "Connection refused"),
        lambda: httpx.ConnectError("All connection attempts failed", request=_REQUEST),
        lambda: openai.APIConnectionError(request=_REQUEST),
        lambda: openai.APITimeoutError(request=_REQUEST),
    ]
)


@pytest.fixture(scope="module")
def watch(recorder: RecorderServer) -> Iterator[Watch]:
    with tapped() as tap:
        yield Watch(recorder, tap)


@pytest.fixture(scope="module", autouse=True)
def _fast_retries() -> Iterator[None]:
    # The OpenAI client backs off 0.5 s, 1 s, … between retries; the retries are what
    # is under test here, not the waiting.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("openai._base_client.INITIAL_RETRY_DELAY", 0.001)
        mp.setattr("openai._base_client.MAX_RETRY_DELAY", 0.002)
        yield


def _chain(
    name: str, mode: str, local: Runnable[Any, Any], cloud: Runnable[Any, Any], **gate: Any
) -> Runnable[Any, Any]:
    if name == "gate":
        return SensitivityGate(local=local, cloud=cloud, mode=mode, **gate)
    config = load_config(
        f"hybridchain: {{gate: {{mode: {mode}}}, router: {{threshold: 1.0}}, "
        "escalator: {threshold: 1.0}}"
    )
    chain = hybrid_chain(config, local=local, cloud=cloud)
    return chain.model_copy(update=gate) if gate else chain


@settings(max_examples=300)
@given(
    secret=SECRETS,
    place=st.sampled_from(PLACES),
    entry=st.sampled_from(ENTRY_POINTS),
    chain=CHAINS,
    mode=MODES,
    error=LOCAL_ERRORS,
    after_chunks=st.integers(0, 3),
)
def test_local_model_down_never_moves_kept_local_data_to_the_cloud(
    recorder: RecorderServer,
    watch: Watch,
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    place: str,
    entry: str,
    chain: str,
    mode: str,
    error: Any,
    after_chunks: int,
) -> None:
    w = watch.fresh()
    local = FaultyChatModel(label="local", error=error(), after_chunks=after_chunks)
    runnable = _chain(chain, mode, local, cloud_model(recorder))
    out = call(entry, runnable, conversation(secret.text, place), w, loop)
    if mode == "pseudonymize" and secret.hideable:
        # Placeholders go to the cloud; the local model is not needed.
        assert w.error is None, repr(w.error)
        assert text_of(out).startswith("cloud: ")
        assert PLACEHOLDER.search("".join(w.sent()))
    else:
        assert isinstance(w.error, LocalModelUnavailableError), repr(w.error)
        assert w.recorder.requests == []
    w.assert_clean(secret)


@settings(max_examples=250)
@given(
    secret=SECRETS,
    place=st.sampled_from(PLACES),
    entry=st.sampled_from(ENTRY_POINTS),
    chain=CHAINS,
    status=st.sampled_from([429, 500, 503]),
    retries=st.integers(0, 2),
    companion=public_prompts,
)
def test_cloud_errors_and_retries_carry_only_placeholders(
    recorder: RecorderServer,
    watch: Watch,
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    place: str,
    entry: str,
    chain: str,
    status: int,
    retries: int,
    companion: str,
) -> None:
    w = watch.fresh()
    local = EchoChatModel(label="local")
    runnable = _chain(chain, "pseudonymize", local, cloud_model(recorder, max_retries=retries))
    recorder.fail_with(status)
    try:
        out = call(entry, runnable, conversation(secret.text, place), w, loop, companion)
    finally:
        recorder.fail_with(200)
    # The cloud failed every try; the local model answered instead (for the escalator:
    # the local answer it already had, marked low-confidence).
    assert w.error is None, repr(w.error)
    assert text_of(out).startswith("local: ")
    if secret.hideable:
        tries = retries + 1
        with_placeholders = [r for r in w.recorder.requests if PLACEHOLDER.search(str(r))]
        assert len(with_placeholders) >= tries
    w.assert_clean(secret)


@settings(max_examples=90)
@given(
    secret=SECRETS,
    place=st.sampled_from(PLACES),
    entry=st.sampled_from(ENTRY_POINTS),
    fault=st.sampled_from(["timeout", "mid_stream", "down"]),
    retries=st.integers(0, 1),
    companion=public_prompts,
)
def test_cloud_timeouts_drops_and_outages_carry_only_placeholders(
    recorder: RecorderServer,
    watch: Watch,
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    place: str,
    entry: str,
    fault: str,
    retries: int,
    companion: str,
) -> None:
    w = watch.fresh()
    if fault == "timeout":
        recorder.delay(0.5)
        cloud = cloud_model(recorder, timeout=0.05, max_retries=retries)
    elif fault == "mid_stream":
        recorder.fail_mid_stream(after_chunks=1)
        cloud = cloud_model(recorder, max_retries=retries)
    else:  # nothing listens there
        cloud = ChatOpenAI(base_url=unreachable_base_url(), api_key="sk-x", max_retries=retries)
    gate = SensitivityGate(local=EchoChatModel(label="local"), cloud=cloud, mode="pseudonymize")
    try:
        out = call(entry, gate, conversation(secret.text, place), w, loop, companion)
    finally:
        recorder.clear_faults()
    assert w.error is None, repr(w.error)
    answer = text_of(out)
    # The local model answers instead (after a dropped stream's discarded first chunk),
    # unless the fault did not apply (a non-streamed call to a server cutting streams).
    assert "local: " in answer or (fault == "mid_stream" and answer.startswith("cloud: "))
    if secret.hideable and fault == "timeout":
        with_placeholders = [r for r in w.recorder.requests if PLACEHOLDER.search(str(r))]
        assert len(with_placeholders) == retries + 1
    w.assert_clean(secret)


@settings(max_examples=200)
@given(
    secret=SECRETS,
    place=st.sampled_from(PLACES),
    entry=st.sampled_from(ENTRY_POINTS),
    chain=CHAINS,
    mode=MODES,
    companion=public_prompts,
)
def test_exhausted_budget_keeps_everything_local(
    recorder: RecorderServer,
    watch: Watch,
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    place: str,
    entry: str,
    chain: str,
    mode: str,
    companion: str,
) -> None:
    w = watch.fresh()
    spent = BudgetGuard([Budget(limit_usd=0.0, period="day")], MemoryLedger())
    local = EchoChatModel(label="local")
    runnable = _chain(chain, mode, local, cloud_model(recorder), budget=spent)
    out = call(entry, runnable, conversation(secret.text, place), w, loop, companion)
    assert w.error is None, repr(w.error)
    assert text_of(out).startswith("local: ")
    assert w.recorder.requests == []
    w.assert_clean(secret)
