"""PseudonymizingRouter: a real ``litellm.Router`` with mocked deployments (no network)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
litellm = pytest.importorskip("litellm")

from litellm.integrations.custom_logger import CustomLogger  # noqa: E402

from hybridchain.core.cost import Budget, BudgetGuard, MemoryLedger  # noqa: E402
from hybridchain.core.findings import Finding  # noqa: E402
from hybridchain.core.policy import SensitivityPolicy  # noqa: E402
from hybridchain.core.sensitivity import Sensitivity  # noqa: E402
from hybridchain.errors import SensitiveDataError  # noqa: E402
from hybridchain.litellm import (  # noqa: E402
    PSEUDONYMIZED_METADATA_KEY,
    HybridFallbackGuard,
    HybridRoutingStrategy,
    PseudonymizingRouter,
    call_route,
)

pytestmark = [
    # LiteLLM's own types trip pydantic's ReadOnly warning; not ours to fix.
    pytest.mark.filterwarnings("ignore:Items? .*ReadOnly:UserWarning"),
]

SSN = "536-22-8471"
EMAIL = "ann.lee@example.com"
SECRET = [{"role": "user", "content": f"Write to {EMAIL} about SSN {SSN}"}]
MASKED_ANSWER = "Mailing <EMAIL_ADDRESS_1> about <US_SSN_1>."
RESTORED_ANSWER = f"Mailing {EMAIL} about {SSN}."
ENTRIES = ("completion", "acompletion", "stream", "astream")
KEEP_LOCAL_KEYWORD = SensitivityPolicy(
    keywords={"Project Falcon": "restricted"}, keep_local_types=frozenset({"KEYWORD"})
)


class Tap(CustomLogger):  # type: ignore[misc]
    """Records the route and messages of every call LiteLLM is about to send."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, Any, Any]] = []
        self.answers: list[str] = []

    def log_pre_api_call(self, model, messages, kwargs):  # type: ignore[no-untyped-def]
        params = kwargs.get("litellm_params") or {}
        self.sent.append((call_route(kwargs), messages, params.get("metadata")))

    def log_success_event(self, kwargs, response_obj, start_time, end_time):  # type: ignore[no-untyped-def]
        self.answers.append(str(response_obj.choices[0].message.content))

    def to(self, route: str) -> list[Any]:
        return [messages for where, messages, _ in self.sent if where == route]


class QuotedName:
    """Finds ``Ann "Nan" Lee``: a value that needs JSON escaping."""

    name = "quoted_name"
    value = 'Ann "Nan" Lee'

    def detect(self, text: str) -> Iterable[Finding]:
        start = text.find(self.value)
        if start >= 0:
            end = start + len(self.value)
            yield Finding("PERSON", start, end, 1.0, self.name, Sensitivity.CONFIDENTIAL)


class Broken:
    """A detector that always fails."""

    name = "broken"

    def detect(self, text: str) -> Iterable[Finding]:
        raise RuntimeError("detector down")


@pytest.fixture
def tap(monkeypatch: pytest.MonkeyPatch) -> Iterator[Tap]:
    tap = Tap()
    monkeypatch.setattr(litellm, "callbacks", [tap, HybridFallbackGuard()])
    for name in ("success_callback", "failure_callback"):
        monkeypatch.setattr(litellm, name, [])
    yield tap


def deployment(where: str, name: str = "chat") -> dict[str, Any]:
    model = "openai/llama-local" if where == "local" else "gpt-4o"
    return {
        "model_name": name,
        "litellm_params": {"model": model, "api_key": "x"},
        "model_info": {"hybridchain": where},
    }


def router_with(*kinds: str) -> Any:
    return litellm.Router(model_list=[deployment(k) for k in kinds], num_retries=0)


async def send(chat: PseudonymizingRouter, entry: str, messages: Any, **kwargs: Any) -> str:
    """Call ``chat`` the way ``entry`` names; return the answer text."""
    kwargs.setdefault("mock_response", MASKED_ANSWER)
    if entry == "completion":
        return str(
            chat.completion(model="chat", messages=messages, **kwargs).choices[0].message.content
        )
    if entry == "acompletion":
        response = await chat.acompletion(model="chat", messages=messages, **kwargs)
        return str(response.choices[0].message.content)
    if entry == "stream":
        chunks = chat.completion(model="chat", messages=messages, stream=True, **kwargs)
        return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    chunks = await chat.acompletion(model="chat", messages=messages, stream=True, **kwargs)
    return "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])


@pytest.mark.parametrize("entry", ENTRIES)
async def test_cloud_sees_placeholders_and_the_caller_real_values(tap: Tap, entry: str) -> None:
    chat = PseudonymizingRouter(router_with("local", "cloud"), threshold=0.0)
    assert await send(chat, entry, SECRET) == RESTORED_ANSWER
    [cloud] = tap.to("cloud")
    assert tap.to("local") == []
    assert cloud == [{"role": "user", "content": "Write to <EMAIL_ADDRESS_1> about SSN <US_SSN_1>"}]
    assert SECRET[0]["content"] == f"Write to {EMAIL} about SSN {SSN}"  # the caller's, untouched


async def test_the_record_names_types_only(tap: Tap) -> None:
    chat = PseudonymizingRouter(router_with("local", "cloud"), threshold=0.0)
    metadata = {"team": "a"}
    await chat.acompletion(model="chat", messages=SECRET, metadata=metadata, mock_response="ok")
    decision = chat.last_decision
    assert decision is not None and decision.target == "cloud"
    assert decision.extra["mode"] == "pseudonymize" and decision.extra["placeholders"] == 2
    assert sorted(f.entity_type for f in decision.findings) == ["EMAIL_ADDRESS", "US_SSN"]
    [(_, _, sent_metadata)] = tap.sent
    record = sent_metadata[PSEUDONYMIZED_METADATA_KEY]
    assert record == decision.to_dict()
    assert sent_metadata["team"] == "a"
    assert metadata == {"team": "a"}  # the caller's dict is not written to
    for text in (repr(record), repr(decision), repr(sent_metadata)):
        assert SSN not in text and EMAIL not in text


@pytest.mark.parametrize("entry", ENTRIES)
async def test_a_keep_local_keyword_goes_local_unmasked(tap: Tap, entry: str) -> None:
    policy = KEEP_LOCAL_KEYWORD
    chat = PseudonymizingRouter(router_with("local", "cloud"), policy=policy, threshold=0.0)
    messages = [{"role": "user", "content": f"Project Falcon: mail {EMAIL}"}]
    assert await send(chat, entry, messages, mock_response="local") == "local"
    assert tap.to("cloud") == []
    assert tap.to("local") == [messages]
    assert chat.last_decision is None


async def test_a_keep_local_keyword_without_local_deployment_is_refused(tap: Tap) -> None:
    policy = KEEP_LOCAL_KEYWORD
    chat = PseudonymizingRouter(router_with("cloud"), policy=policy, threshold=0.0)
    messages = [{"role": "user", "content": f"Project Falcon: mail {EMAIL}"}]
    with pytest.raises(SensitiveDataError) as caught:
        await chat.acompletion(model="chat", messages=messages, mock_response="x")
    assert EMAIL not in str(caught.value) and "Falcon" not in str(caught.value)
    assert tap.sent == []


async def test_a_failing_detector_keeps_the_request_local(tap: Tap) -> None:
    chat = PseudonymizingRouter(router_with("local", "cloud"), detectors=[Broken()], threshold=0.0)
    answer = await send(chat, "acompletion", SECRET, mock_response="local")
    assert answer == "local"
    assert tap.to("cloud") == [] and tap.to("local") == [SECRET]


async def test_a_simple_sensitive_request_goes_local_unmasked(tap: Tap) -> None:
    chat = PseudonymizingRouter(router_with("local", "cloud"), threshold=1.0)
    assert await send(chat, "acompletion", SECRET, mock_response="local") == "local"
    assert tap.to("cloud") == [] and tap.to("local") == [SECRET]
    assert chat.last_decision is None


async def test_a_cloud_only_group_gets_the_masked_request(tap: Tap) -> None:
    chat = PseudonymizingRouter(router_with("cloud"), threshold=1.0)
    assert await send(chat, "completion", SECRET) == RESTORED_ANSWER
    [cloud] = tap.to("cloud")
    assert SSN not in repr(cloud) and EMAIL not in repr(cloud)


async def test_public_requests_pass_unchanged(tap: Tap) -> None:
    chat = PseudonymizingRouter(router_with("local", "cloud"), threshold=0.0)
    messages = [{"role": "user", "content": "Explain <US_SSN_1> placeholders"}]
    answer = await send(chat, "acompletion", messages, mock_response="see <US_SSN_1>")
    assert answer == "see <US_SSN_1>"
    assert tap.to("cloud") == [messages]
    assert chat.last_decision is None


@pytest.mark.parametrize("entry", ["completion", "acompletion"])
async def test_tool_call_arguments_are_restored_json_escaped(tap: Tap, entry: str) -> None:
    chat = PseudonymizingRouter(
        router_with("local", "cloud"), detectors=[QuotedName()], threshold=0.0
    )
    messages = [{"role": "user", "content": 'Book a table for Ann "Nan" Lee'}]
    arguments = json.dumps({"guest": "<PERSON_1>"})
    call = {"id": "c1", "type": "function", "function": {"name": "book", "arguments": arguments}}
    kwargs: dict[str, Any] = {"mock_response": "", "mock_tool_calls": [call]}
    if entry == "completion":
        response = chat.completion(model="chat", messages=messages, **kwargs)
    else:
        response = await chat.acompletion(model="chat", messages=messages, **kwargs)
    [restored] = response.choices[0].message.tool_calls
    assert json.loads(restored.function.arguments) == {"guest": 'Ann "Nan" Lee'}
    [cloud] = tap.to("cloud")
    assert cloud == [{"role": "user", "content": "Book a table for <PERSON_1>"}]


async def test_a_shared_strategy_keeps_its_settings(tap: Tap) -> None:
    router = router_with("local", "cloud")
    strategy = HybridRoutingStrategy(router, threshold=0.0)
    chat = PseudonymizingRouter(router, strategy=strategy, threshold=1.0)
    assert chat.judge is strategy.judge
    assert await send(chat, "completion", SECRET) == RESTORED_ANSWER
    assert len(tap.to("cloud")) == 1


def test_litellm_loggers_keep_the_masked_answer(tap: Tap) -> None:
    chat = PseudonymizingRouter(router_with("local", "cloud"), threshold=0.0)
    response = chat.completion(model="chat", messages=SECRET, mock_response=MASKED_ANSWER)
    assert response.choices[0].message.content == RESTORED_ANSWER
    deadline = time.monotonic() + 10.0  # LiteLLM logs sync successes on a worker thread
    while not tap.answers and time.monotonic() < deadline:
        time.sleep(0.02)
    assert tap.answers == [MASKED_ANSWER]


async def test_a_spent_budget_keeps_the_raw_request_local(tap: Tap) -> None:
    guard = BudgetGuard([Budget(limit_usd=0, action="route_local")], MemoryLedger())
    chat = PseudonymizingRouter(router_with("local", "cloud"), threshold=0.0, budget_guard=guard)
    assert await send(chat, "acompletion", SECRET, mock_response="local") == "local"
    assert tap.to("cloud") == [] and tap.to("local") == [SECRET]
    assert chat.last_decision is None
