"""The real LiteLLM proxy with hybridchain's guardrail: what reaches the recorder cloud.

One ``litellm --config`` process per gate mode (see ``conftest.py``), in front of the
embedded llama.cpp model (``local-chat``) and a loopback recorder (``cloud-chat``).
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from langchain_core.messages import convert_to_openai_messages
from openai import APIError, APIStatusError, OpenAI

from hybridchain.local import LocalServer
from hybridchain.testing import RecorderServer
from tests.invariant import leak_values
from tests.invariant.leak_values import PLACES, Secret, leaked, secrets

pytestmark = pytest.mark.integration

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")

COMPLEX_ASK = (
    "Prove that the square root of 2 is irrational, then derive the general theorem for "
    "n-th roots of non-perfect powers with a rigorous proof."
)

# (value, where it sits): every kind in some place, every place several times.
CONFIDENTIAL = [
    ("ann.lee@example.com", "last"),
    ("536-22-8471", "earlier"),
    ("4111 1111 1111 1111", "system"),
    ("DE89 3704 0044 0532 0130 00", "last"),
    ("+1 415 555 2671", "earlier"),
    ("AKIAQWERTYUIOPASDFGH", "system"),
    ("postgres://admin:S3cr3tPass@db.internal:5432/app", "last"),
    ("Project Falcon", "earlier"),  # a keyword of the example config's policy
    ("CONFIDENTIAL", "system"),  # a marker
]


def conversation(text: str, place: str) -> list[dict[str, Any]]:
    """A chat carrying ``text`` at ``place``; the newest turn is always a complex ask."""
    if place == "last":
        return [{"role": "user", "content": f"{text}: {COMPLEX_ASK}"}]
    if place == "earlier":
        return [
            {"role": "user", "content": f"Remember this for later: {text}."},
            {"role": "assistant", "content": "Noted."},
            {"role": "user", "content": COMPLEX_ASK},
        ]
    return [
        {"role": "system", "content": f"You assist the account of {text}."},
        {"role": "user", "content": COMPLEX_ASK},
    ]


def client(proxy: Any) -> OpenAI:
    return OpenAI(base_url=f"{proxy.base_url}/v1", api_key=proxy.key, max_retries=0, timeout=120)


def chat(proxy: Any, messages: list[dict[str, Any]], model: str = "cloud-chat") -> tuple[str, str]:
    """Send a chat; return the answer and the api_base of the deployment that answered."""
    with client(proxy) as openai:
        raw = openai.chat.completions.with_raw_response.create(
            model=model, messages=messages, max_tokens=6
        )
        answer = raw.parse().choices[0].message.content or ""
    return answer, raw.headers.get("x-litellm-model-api-base", "")


def stream(
    proxy: Any, messages: list[dict[str, Any]], model: str = "cloud-chat"
) -> tuple[str, str]:
    """Stream a chat; return the joined answer and the api_base that answered."""
    with (
        client(proxy) as openai,
        openai.chat.completions.with_streaming_response.create(
            model=model, messages=messages, max_tokens=6, stream=True
        ) as response,
    ):
        base = response.headers.get("x-litellm-model-api-base", "")
        parts = [c.choices[0].delta.content or "" for c in response.parse() if c.choices]
    return "".join(parts), base


def new_text(cloud: RecorderServer, since: int) -> str:
    """Everything the recorder received after its first ``since`` requests."""
    return json.dumps(cloud.requests[since:])


# ------------------------------------------------------------------------- route mode


@pytest.mark.parametrize(("value", "place"), CONFIDENTIAL)
def test_confidential_requests_never_reach_the_cloud_and_are_answered_locally(
    route_proxy: Any, cloud: RecorderServer, local_server: LocalServer, value: str, place: str
) -> None:
    before = len(cloud.requests)
    answer, base = chat(route_proxy, conversation(value, place))
    assert base.rstrip("/") == local_server.base_url.rstrip("/")
    assert answer
    assert len(cloud.requests) == before
    assert value not in cloud.sent_text()
    # The same conversation without the value goes to the cloud: the value decided.
    answer, base = chat(route_proxy, conversation("the team", place))
    assert base.rstrip("/") == cloud.base_url.rstrip("/")
    assert answer.startswith("cloud: ")
    assert len(cloud.requests) == before + 1


def test_a_public_complex_request_reaches_the_cloud_and_a_simple_one_stays_local(
    route_proxy: Any, cloud: RecorderServer, local_server: LocalServer
) -> None:
    before = len(cloud.requests)
    answer, base = chat(route_proxy, [{"role": "user", "content": COMPLEX_ASK}])
    assert answer == f"cloud: {COMPLEX_ASK}"
    assert base.rstrip("/") == cloud.base_url.rstrip("/")
    assert COMPLEX_ASK in new_text(cloud, before)
    _, base = chat(route_proxy, [{"role": "user", "content": "Hi"}])
    assert base.rstrip("/") == local_server.base_url.rstrip("/")
    assert len(cloud.requests) == before + 1


def test_streaming_routes_like_plain_calls(
    route_proxy: Any, cloud: RecorderServer, local_server: LocalServer
) -> None:
    before = len(cloud.requests)
    answer, base = stream(route_proxy, conversation("536-22-8471", "earlier"))
    assert base.rstrip("/") == local_server.base_url.rstrip("/")
    assert answer
    assert len(cloud.requests) == before
    answer, base = stream(route_proxy, [{"role": "user", "content": COMPLEX_ASK}])
    assert answer == f"cloud: {COMPLEX_ASK}"
    assert len(cloud.requests) == before + 1


def test_answers_name_the_model_group_that_answered(route_proxy: Any) -> None:
    secret = conversation("536-22-8471", "last")
    public = [{"role": "user", "content": COMPLEX_ASK}]
    with client(route_proxy) as openai:
        create = openai.chat.completions.create
        rerouted = create(model="cloud-chat", messages=secret, max_tokens=6)
        chunks = list(create(model="cloud-chat", messages=secret, max_tokens=6, stream=True))
        sent_on = create(model="cloud-chat", messages=public, max_tokens=6)
    assert rerouted.model == "local-chat"  # the policy rerouted it: the local group answered
    assert chunks and {c.model for c in chunks} == {"local-chat"}
    assert sent_on.model == "cloud-chat"


def test_fallback_from_a_failed_local_deployment_never_carries_confidential_data(
    route_proxy: Any, cloud: RecorderServer, local_server: LocalServer
) -> None:
    # `dead-local` is a local group that is down, with a configured fallback to the cloud:
    # the fallback request meets the policy again and is answered by `local-chat`.
    before = len(cloud.requests)
    answer, base = chat(route_proxy, conversation("536-22-8471", "last"), model="dead-local")
    assert base.rstrip("/") == local_server.base_url.rstrip("/")
    assert answer
    assert len(cloud.requests) == before
    assert "536-22-8471" not in cloud.sent_text()
    # A public request takes that fallback to the cloud.
    answer, _ = chat(route_proxy, [{"role": "user", "content": COMPLEX_ASK}], model="dead-local")
    assert answer == f"cloud: {COMPLEX_ASK}"
    assert len(cloud.requests) == before + 1


@pytest.mark.parametrize("status", [500, 429])
def test_cloud_errors_and_retries_carry_no_confidential_data(
    route_proxy: Any, cloud: RecorderServer, local_server: LocalServer, status: int
) -> None:
    cloud.fail_with(status)
    before = len(cloud.requests)
    _, base = chat(route_proxy, conversation("ann.lee@example.com", "earlier"))
    assert base.rstrip("/") == local_server.base_url.rstrip("/")
    # A public request is retried against the failing cloud, then falls back to local.
    _, base = chat(route_proxy, [{"role": "user", "content": COMPLEX_ASK}])
    assert base.rstrip("/") == local_server.base_url.rstrip("/")
    sent = new_text(cloud, before)
    assert len(cloud.requests) > before  # the cloud was tried, and failed
    assert "ann.lee@example.com" not in sent


# ------------------------------------------------------------------ pseudonymize mode

VALUES = ["ann.lee@example.com", "536-22-8471", "4111 1111 1111 1111", "+1 415 555 2671"]


def masked_chat() -> list[dict[str, Any]]:
    return [
        {"role": "system", "content": f"The customer's card is {VALUES[2]}."},
        {"role": "user", "content": f"My phone is {VALUES[3]}."},
        {"role": "assistant", "content": "Thanks."},
        {"role": "user", "content": f"Mail {VALUES[0]} about SSN {VALUES[1]}. {COMPLEX_ASK}"},
    ]


def test_pseudonymize_sends_only_placeholders_and_restores_the_answer(
    pseudonymize_proxy: Any, cloud: RecorderServer
) -> None:
    before = len(cloud.requests)
    messages = masked_chat()
    answer, base = chat(pseudonymize_proxy, messages)
    assert base.rstrip("/") == cloud.base_url.rstrip("/")
    sent = new_text(cloud, before)
    assert not [v for v in VALUES if v in sent]
    assert "<EMAIL_ADDRESS_1>" in sent and "<US_SSN_1>" in sent
    # The recorder echoes the masked last message; the client gets the real values back.
    assert answer == f"cloud: {messages[-1]['content']}"


def test_pseudonymize_restores_a_streamed_answer(
    pseudonymize_proxy: Any, cloud: RecorderServer
) -> None:
    before = len(cloud.requests)
    messages = masked_chat()
    answer, _ = stream(pseudonymize_proxy, messages)
    assert not [v for v in VALUES if v in new_text(cloud, before)]
    assert answer == f"cloud: {messages[-1]['content']}"


def test_pseudonymize_keeps_what_a_placeholder_cannot_hide_local(
    pseudonymize_proxy: Any, cloud: RecorderServer, local_server: LocalServer
) -> None:
    before = len(cloud.requests)
    _, base = chat(pseudonymize_proxy, conversation("CONFIDENTIAL", "system"))
    assert base.rstrip("/") == local_server.base_url.rstrip("/")
    assert len(cloud.requests) == before


@pytest.mark.parametrize("status", [500, 429])
def test_pseudonymized_retries_and_fallbacks_carry_only_placeholders(
    pseudonymize_proxy: Any, cloud: RecorderServer, status: int
) -> None:
    before = len(cloud.requests)
    cloud.fail_with(status, times=1)  # the first try fails, the retry succeeds
    messages = masked_chat()
    answer, _ = chat(pseudonymize_proxy, messages)
    assert answer == f"cloud: {messages[-1]['content']}"
    cloud.fail_with(status)  # every try fails: LiteLLM falls back to the local group
    answer, _ = chat(pseudonymize_proxy, masked_chat())
    assert answer
    assert len(cloud.requests) >= before + 3
    assert not [v for v in VALUES if v in new_text(cloud, before)]


def generated(rng: random.Random) -> tuple[list[dict[str, Any]], list[str]]:
    """A chat with 1-3 generated values in random places, and the values."""
    user = f"{rng.choice(['ann', 'bo', 'cy'])}{rng.randrange(10**6)}"
    ssn = f"{rng.randrange(100, 600):03d}-{rng.randrange(10, 99):02d}-{rng.randrange(1000, 9999)}"
    values = rng.sample([f"{user}@example.org", ssn, f"+44 20 7946 {rng.randrange(1000):04d}"], 2)
    chat = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "Earlier question."},
        {"role": "assistant", "content": "Earlier answer."},
        {"role": "user", "content": COMPLEX_ASK},
    ]
    for value in values:
        i = rng.randrange(len(chat))
        chat[i] = {**chat[i], "content": f"{chat[i]['content']} (ref {value})"}
    return chat, values


def test_many_generated_requests_leave_no_value_at_the_cloud(
    pseudonymize_proxy: Any, cloud: RecorderServer
) -> None:
    rng = random.Random(5)
    before = len(cloud.requests)
    all_values: list[str] = []
    for _ in range(40):
        messages, values = generated(rng)
        all_values += values
        answer, _ = chat(pseudonymize_proxy, messages)
        assert answer == f"cloud: {messages[-1]['content']}"
    assert len(cloud.requests) == before + 40
    sent = new_text(cloud, before)
    assert not [v for v in all_values if v in sent]


# ------------------------------------------------------------------ generated values

SECRETS = secrets()


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(
    secret=SECRETS,
    place=st.sampled_from(PLACES),
    stream_it=st.booleans(),
    fault=st.sampled_from([None, 429, 500]),
)
def test_generated_values_reach_the_cloud_only_as_placeholders(
    pseudonymize_proxy: Any,
    cloud: RecorderServer,
    secret: Secret,
    place: str,
    stream_it: bool,
    fault: int | None,
) -> None:
    cloud.clear_faults()
    if fault is not None:
        cloud.fail_with(fault, times=1)  # the proxy's retry gets through
    messages = convert_to_openai_messages(leak_values.conversation(secret.text, place))
    before = len(cloud.requests)
    error = ""
    try:
        answer, _ = (stream if stream_it else chat)(pseudonymize_proxy, messages)
    except APIStatusError as exc:  # a long marked memo can overflow the small local model
        answer, error = "", str(exc)
        assert not secret.hideable, error
    sent = new_text(cloud, before)
    assert leaked(secret.values, sent) == [], "reached the cloud"
    assert leaked(secret.values, error) == [], "in an error"
    if secret.hideable:
        assert PLACEHOLDER.search(sent)
        assert answer.startswith("cloud: ")
    else:  # a marker cannot be hidden: the request stays local
        assert len(cloud.requests) == before


@settings(
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(secret=SECRETS, place=st.sampled_from(PLACES))
def test_generated_values_never_reach_the_cloud_in_route_mode(
    route_proxy: Any, cloud: RecorderServer, secret: Secret, place: str
) -> None:
    messages = convert_to_openai_messages(leak_values.conversation(secret.text, place))
    before = len(cloud.requests)
    error = ""
    try:
        chat(route_proxy, messages)
    except APIStatusError as exc:  # the small local model may refuse a long prompt
        error = str(exc)
    assert len(cloud.requests) == before
    assert leaked(secret.values, error) == []


def test_a_stream_cut_mid_way_carries_no_value(
    pseudonymize_proxy: Any, cloud: RecorderServer
) -> None:
    cloud.fail_mid_stream(after_chunks=2, times=1)
    before = len(cloud.requests)
    # Depending on when LiteLLM sees the cut, it retries, falls back to local-chat, or
    # passes the broken stream on: an answer or an error, never a value at the cloud.
    error = ""
    try:
        stream(pseudonymize_proxy, masked_chat())
    except APIError as exc:
        error = str(exc)
    assert len(cloud.requests) > before
    assert not [v for v in VALUES if v in new_text(cloud, before) or v in error]
