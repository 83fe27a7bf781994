"""Never-leak through ``litellm.Router``: generated sensitive values in every place, sync
and async, plain and streamed, while the local or the cloud deployment fails (429/500) and
LiteLLM retries and falls back. Both deployments are loopback recorders, so the test sees
exactly what each one was sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from langchain_core.messages import convert_to_openai_messages

from hybridchain.testing import RecorderServer
from tests.invariant.leak_harness import Tap
from tests.invariant.leak_values import PLACES, Secret, conversation, leaked, secrets

litellm = pytest.importorskip("litellm")

from hybridchain.litellm import HybridFallbackGuard, HybridRoutingStrategy  # noqa: E402

pytestmark = [
    pytest.mark.integration,
    pytest.mark.filterwarnings("ignore:Items? .*ReadOnly:UserWarning"),
]

ENTRIES = ("completion", "acompletion", "stream", "astream")
FAULTS = (
    None,
    ("local", 500, None),  # the local deployment is down: retries, then the cloud fallback
    ("local", 429, None),
    ("local", 500, 1),  # one failure: the retry answers
    ("cloud", 500, None),
    ("cloud", 429, None),
)


@pytest.fixture(scope="module")
def router(servers: tuple[RecorderServer, RecorderServer]) -> Iterator[Any]:
    local, cloud = servers

    def deployment(name: str, where: str, server: RecorderServer) -> dict[str, Any]:
        params = {
            "model": f"openai/{where}-model",
            "api_base": server.base_url,
            "api_key": "x",
            "max_retries": 0,  # the Router retries, not the OpenAI client (with its backoff)
        }
        return {"model_name": name, "litellm_params": params, "model_info": {"hybridchain": where}}

    router = litellm.Router(
        model_list=[
            deployment("chat", "local", local),
            deployment("chat", "cloud", cloud),
            deployment("cloud-only", "cloud", cloud),
        ],
        fallbacks=[{"chat": ["cloud-only"]}],
        num_retries=2,
        retry_after=0,
        disable_cooldowns=True,
    )
    # LiteLLM backs off exponentially before each retry: seconds per example, no coverage.
    router._time_to_sleep_before_retry = lambda *args, **kwargs: 0
    HybridRoutingStrategy(router, threshold=0.0)  # every public request would go to the cloud
    guard = HybridFallbackGuard()
    saved = list(litellm.callbacks)
    litellm.callbacks.append(guard)
    try:
        yield router
    finally:
        litellm.callbacks[:] = saved


@pytest.fixture(scope="module")
def lines() -> Iterator[Tap]:
    """Every record hybridchain logs (LiteLLM's own logs are LiteLLM's business)."""
    handler = Tap()
    logging.getLogger("hybridchain").addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger("hybridchain").removeHandler(handler)


def send(router: Any, loop: asyncio.AbstractEventLoop, entry: str, messages: Any) -> str:
    """Call the router the way ``entry`` names; return the answer text."""
    if entry == "completion":
        return str(router.completion(model="chat", messages=messages).choices[0].message.content)
    if entry == "stream":
        chunks = router.completion(model="chat", messages=messages, stream=True)
        return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)

    async def go() -> str:
        if entry == "acompletion":
            response = await router.acompletion(model="chat", messages=messages)
            return str(response.choices[0].message.content)
        chunks = await router.acompletion(model="chat", messages=messages, stream=True)
        return "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])

    return loop.run_until_complete(go())


@settings(
    max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(
    secret=secrets(),
    place=st.sampled_from(PLACES),
    entry=st.sampled_from(ENTRIES),
    fault=st.sampled_from(FAULTS),
)
def test_router_never_sends_sensitive_values_to_the_cloud(
    router: Any,
    servers: tuple[RecorderServer, RecorderServer],
    lines: Tap,
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    place: str,
    entry: str,
    fault: tuple[str, int, int | None] | None,
) -> None:
    local, cloud = servers
    local.clear_faults()
    cloud.clear_faults()
    if fault is not None:
        (local if fault[0] == "local" else cloud).fail_with(fault[1], times=fault[2])
    messages = convert_to_openai_messages(conversation(secret.text, place))
    sent_before, lines_before = len(cloud.requests), len(lines.lines)
    error = ""
    try:
        answer = send(router, loop, entry, messages)
    except Exception as exc:  # a failing local deployment leaves nowhere to go
        error = f"{type(exc).__name__}: {exc}"
        assert fault is not None and fault[0] == "local" and fault[2] is None, error
    else:
        assert answer == local.reply
    assert len(cloud.requests) == sent_before, "a request reached the cloud"
    assert leaked(secret.values, cloud.sent_text()) == []
    assert leaked(secret.values, error) == [], "in an exception"
    assert leaked(secret.values, lines.lines[lines_before:]) == [], "in a log line"
