"""hybridchain's LiteLLM Router strategy, fallback guard and cost logger (mocked calls)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
litellm = pytest.importorskip("litellm")

from litellm.integrations.custom_logger import CustomLogger  # noqa: E402

from hybridchain.core.cost import Budget, BudgetGuard, CostEvent, MemoryLedger  # noqa: E402
from hybridchain.errors import SensitiveDataError  # noqa: E402
from hybridchain.litellm import (  # noqa: E402
    DECISION_METADATA_KEY,
    HybridCostLogger,
    HybridFallbackGuard,
    HybridRoutingStrategy,
    UncheckedCloudCallError,
    call_route,
    deployment_route,
)

pytestmark = [
    # LiteLLM's own types trip pydantic's ReadOnly warning; not ours to fix.
    pytest.mark.filterwarnings("ignore:Items? .*ReadOnly:UserWarning"),
]

SSN = "536-22-8471"
LOCAL_ANSWER = "local answer"
CLOUD_ANSWER = "cloud answer"


class FixedScorer:
    """Scores prompts containing 'HARD' as complex."""

    def score(self, text_or_messages: Any) -> float:
        return 0.9 if "HARD" in str(text_or_messages) else 0.1


class Recorder(CustomLogger):  # type: ignore[misc]
    """Records which deployment each successful or failed call ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.succeeded: list[str] = []
        self.failed: list[str] = []

    async def async_log_success_event(self, kwargs, response_obj, start_time, end_time):  # type: ignore[no-untyped-def]
        self.succeeded.append(call_route(kwargs))

    def log_success_event(self, kwargs, response_obj, start_time, end_time):  # type: ignore[no-untyped-def]
        self.succeeded.append(call_route(kwargs))

    async def async_log_failure_event(self, kwargs, response_obj, start_time, end_time):  # type: ignore[no-untyped-def]
        self.failed.append(call_route(kwargs))


def local(name: str = "chat", mock: Any = LOCAL_ANSWER) -> dict[str, Any]:
    return {
        "model_name": name,
        "litellm_params": {"model": "openai/llama-local", "api_key": "x", "mock_response": mock},
        "model_info": {"hybridchain": "local"},
    }


def cloud(name: str = "chat", mock: Any = CLOUD_ANSWER) -> dict[str, Any]:
    return {
        "model_name": name,
        "litellm_params": {
            "model": "gpt-4o",
            "api_key": "x",
            "mock_response": mock,
            "tags": ["hybridchain:cloud"],
        },
    }


@pytest.fixture(autouse=True)
async def _clean_callbacks(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    # Drain what earlier tests left on LiteLLM's global logging queue before and after.
    await _drain()
    for name in (
        "callbacks",
        "success_callback",
        "failure_callback",
        "_async_success_callback",
        "_async_failure_callback",
    ):
        monkeypatch.setattr(litellm, name, [])
    yield
    await _drain()


def _never() -> bool:
    return False


def answer(response: Any) -> str:
    return str(response.choices[0].message.content)


def router_with(*deployments: dict[str, Any], **kwargs: Any) -> Any:
    return litellm.Router(model_list=list(deployments), **{"num_retries": 0, **kwargs})


def test_deployment_tags() -> None:
    assert deployment_route(local()) == "local"
    assert deployment_route(cloud()) == "cloud"
    assert deployment_route({"litellm_params": {"model": "x"}}) == "cloud"
    tagged = {"litellm_params": {"model": "x", "tags": ["team-a", "hybridchain:local"]}}
    assert deployment_route(tagged) == "local"


async def test_ssn_in_system_message_goes_local_even_when_complex() -> None:
    router = router_with(local(), cloud())
    strategy = HybridRoutingStrategy(router, scorer=FixedScorer())
    messages = [
        {"role": "system", "content": f"Customer SSN: {SSN}"},
        {"role": "user", "content": "HARD question"},
    ]
    response = await router.acompletion(model="chat", messages=messages)
    assert answer(response) == LOCAL_ANSWER
    decision = strategy.last_decision
    assert decision is not None and decision.target == "local"
    assert str(decision.sensitivity) == "confidential"
    assert [f.entity_type for f in decision.findings] == ["US_SSN"]
    assert SSN not in repr(decision.to_dict())


async def test_ssn_in_earlier_turn_goes_local() -> None:
    router = router_with(local(), cloud())
    HybridRoutingStrategy(router, scorer=FixedScorer())
    messages = [
        {"role": "user", "content": f"My SSN is {SSN}"},
        {"role": "assistant", "content": "Noted."},
        {"role": "user", "content": "HARD follow-up"},
    ]
    assert answer(await router.acompletion(model="chat", messages=messages)) == LOCAL_ANSWER


@pytest.mark.parametrize(
    ("prompt", "expected"), [("HARD proof", CLOUD_ANSWER), ("hi", LOCAL_ANSWER)]
)
async def test_public_requests_split_by_complexity(prompt: str, expected: str) -> None:
    router = router_with(local(), cloud())
    HybridRoutingStrategy(router, scorer=FixedScorer())
    response = await router.acompletion(
        model="chat", messages=[{"role": "user", "content": prompt}]
    )
    assert answer(response) == expected


def test_sync_completion_uses_the_strategy() -> None:
    router = router_with(local(), cloud())
    HybridRoutingStrategy(router, scorer=FixedScorer())
    hard = [{"role": "user", "content": "HARD"}]
    assert answer(router.completion(model="chat", messages=hard)) == CLOUD_ANSWER
    secret = [{"role": "user", "content": f"HARD, SSN {SSN}"}]
    assert answer(router.completion(model="chat", messages=secret)) == LOCAL_ANSWER


async def test_decision_lands_in_request_metadata() -> None:
    router = router_with(local(), cloud())
    HybridRoutingStrategy(router, scorer=FixedScorer())
    ledger = MemoryLedger()
    litellm.callbacks.append(HybridCostLogger(ledger))
    await router.acompletion(model="chat", messages=[{"role": "user", "content": f"SSN {SSN}"}])
    await _drain(lambda: bool(ledger.events()))
    [event] = ledger.events()
    assert event.route == "local"
    assert event.metadata["decision_target"] == "local"
    assert event.metadata["sensitivity"] == "confidential"
    assert SSN not in repr(event.to_dict())


async def test_budget_exhausted_keeps_complex_public_requests_local() -> None:
    ledger = MemoryLedger()
    ledger.record(
        CostEvent(event_id="spent", timestamp=_now(), model="gpt-4o", route="cloud", cost_usd=5.0)
    )
    guard = BudgetGuard([Budget(limit_usd=1.0, action="route_local")], ledger)
    router = router_with(local(), cloud())
    strategy = HybridRoutingStrategy(router, scorer=FixedScorer(), budget_guard=guard)
    response = await router.acompletion(
        model="chat", messages=[{"role": "user", "content": "HARD"}]
    )
    assert answer(response) == LOCAL_ANSWER
    assert strategy.last_decision is not None
    assert "cloud budget exhausted" in strategy.last_decision.reasons


async def test_sensitive_request_without_local_deployment_is_refused() -> None:
    router = router_with(cloud())
    HybridRoutingStrategy(router, scorer=FixedScorer())
    recorder = Recorder()
    litellm.callbacks.append(recorder)
    with pytest.raises(SensitiveDataError) as info:
        await router.acompletion(model="chat", messages=[{"role": "user", "content": f"SSN {SSN}"}])
    assert "US_SSN" in str(info.value)
    assert SSN not in str(info.value)
    await _drain()
    assert recorder.succeeded == []


async def test_public_request_without_local_deployment_goes_to_cloud() -> None:
    router = router_with(cloud())
    HybridRoutingStrategy(router, scorer=FixedScorer())
    response = await router.acompletion(model="chat", messages=[{"role": "user", "content": "hi"}])
    assert answer(response) == CLOUD_ANSWER


async def test_guard_stops_litellm_fallback_to_cloud() -> None:
    """LiteLLM's default strategy; the local group fails and falls back to a cloud group."""
    router = router_with(
        local("private", mock="litellm.InternalServerError"),
        cloud("public"),
        fallbacks=[{"private": ["public"]}],
    )
    guard = HybridFallbackGuard()
    recorder = Recorder()
    litellm.callbacks.extend([guard, recorder])
    messages = [{"role": "user", "content": f"My SSN is {SSN}"}]
    with pytest.raises(Exception) as info:
        await router.acompletion(model="private", messages=messages)
    assert SSN not in str(info.value)
    await _drain()
    assert guard.blocked >= 1
    assert "cloud" not in recorder.succeeded

    # A public request still falls back to the cloud.
    response = await router.acompletion(
        model="private", messages=[{"role": "user", "content": "hi"}]
    )
    assert answer(response) == CLOUD_ANSWER
    await _drain(lambda: "cloud" in recorder.succeeded)
    assert recorder.succeeded == ["cloud"]  # the recorder works: only the public call


def test_sync_guard_alone_refuses_every_unjudged_cloud_call() -> None:
    """LiteLLM's sync path has no hook with messages: without the strategy, fail closed."""
    router = router_with(
        cloud("public"),
        local("private", mock="litellm.InternalServerError"),
        fallbacks=[{"private": ["public"]}],
    )
    guard = HybridFallbackGuard()
    recorder = Recorder()
    litellm.callbacks.extend([guard, recorder])
    secret = [{"role": "user", "content": f"My SSN is {SSN}"}]
    with pytest.raises(UncheckedCloudCallError) as info:
        router.completion(model="public", messages=secret)
    assert SSN not in str(info.value)
    with pytest.raises(Exception) as fallback:  # the local group fails, its fallback is cloud
        router.completion(model="private", messages=secret)
    assert guard.blocked == 2
    assert SSN not in str(fallback.value)
    assert "cloud" not in recorder.succeeded
    # Public data is refused too on this path: nothing judged it.
    with pytest.raises(UncheckedCloudCallError):
        router.completion(model="public", messages=[{"role": "user", "content": "hi"}])
    assert guard.blocked == 3


def test_sync_guard_lets_through_what_the_strategy_judged() -> None:
    router = router_with(
        local(),
        cloud(),
        local("private", mock="litellm.InternalServerError"),
        cloud("public"),
        fallbacks=[{"private": ["public"]}],
    )
    HybridRoutingStrategy(router, scorer=FixedScorer())
    guard = HybridFallbackGuard()
    recorder = Recorder()
    litellm.callbacks.extend([guard, recorder])
    hard = [{"role": "user", "content": "HARD"}]
    assert answer(router.completion(model="chat", messages=hard)) == CLOUD_ANSWER
    secret = [{"role": "user", "content": f"HARD, SSN {SSN}"}]
    assert answer(router.completion(model="chat", messages=secret)) == LOCAL_ANSWER
    with pytest.raises(Exception) as info:  # the local group fails; its cloud fallback is refused
        router.completion(model="private", messages=secret)
    assert SSN not in str(info.value)
    assert answer(router.completion(model="private", messages=hard)) == CLOUD_ANSWER
    _wait_for(lambda: len(recorder.succeeded) >= 3)  # sync success logging runs in a thread
    assert sorted(recorder.succeeded) == ["cloud", "cloud", "local"]
    assert guard.blocked == 0  # the strategy refused the fallback before the guard saw it


def test_sync_retries_of_a_failing_local_deployment_never_go_to_the_cloud() -> None:
    router = router_with(local(mock="litellm.InternalServerError"), cloud(), num_retries=2)
    HybridRoutingStrategy(router, scorer=FixedScorer())
    guard = HybridFallbackGuard()
    recorder = Recorder()
    litellm.callbacks.extend([guard, recorder])
    secret = [{"role": "system", "content": f"SSN {SSN}"}, {"role": "user", "content": "HARD"}]
    with pytest.raises(litellm.InternalServerError):
        router.completion(model="chat", messages=secret)
    assert recorder.succeeded == []


async def test_strategy_refuses_fallback_to_cloud_group() -> None:
    router = router_with(
        local("private", mock="litellm.InternalServerError"),
        cloud("public"),
        fallbacks=[{"private": ["public"]}],
    )
    HybridRoutingStrategy(router, scorer=FixedScorer())
    recorder = Recorder()
    litellm.callbacks.append(recorder)
    with pytest.raises(Exception) as info:
        await router.acompletion(
            model="private", messages=[{"role": "user", "content": f"SSN {SSN}"}]
        )
    assert SSN not in str(info.value)
    await _drain()
    assert "cloud" not in recorder.succeeded


async def test_guard_filters_cloud_candidates() -> None:
    guard = HybridFallbackGuard()
    secret = [{"role": "user", "content": f"SSN {SSN}"}]
    kept = await guard.async_filter_deployments("chat", [local(), cloud()], secret)
    assert kept == [local()]
    public = [{"role": "user", "content": "hi"}]
    assert len(await guard.async_filter_deployments("chat", [local(), cloud()], public)) == 2
    with pytest.raises(SensitiveDataError):
        await guard.async_filter_deployments("chat", [cloud()], secret)


async def test_guard_hook_checks_the_bound_deployment() -> None:
    guard = HybridFallbackGuard()
    secret = [{"role": "user", "content": f"SSN {SSN}"}]
    to_local = {"messages": secret, "metadata": {"model_info": {"hybridchain": "local"}}}
    assert await guard.async_pre_call_deployment_hook(to_local, None) is None
    to_cloud = {"messages": secret, "metadata": {"model_info": {"hybridchain": "cloud"}}}
    with pytest.raises(SensitiveDataError) as info:
        await guard.async_pre_call_deployment_hook(to_cloud, None)
    assert SSN not in str(info.value)
    untagged = {"messages": secret, "model": "gpt-4o"}
    with pytest.raises(SensitiveDataError):
        await guard.async_pre_call_deployment_hook(untagged, None)


async def test_cost_logger_records_each_call_once_with_its_route() -> None:
    router = router_with(local(), cloud())
    HybridRoutingStrategy(router, scorer=FixedScorer())
    ledger = MemoryLedger()
    logger = HybridCostLogger(ledger)
    litellm.callbacks.append(logger)
    await router.acompletion(model="chat", messages=[{"role": "user", "content": "HARD"}])
    await router.acompletion(model="chat", messages=[{"role": "user", "content": "hi"}])
    await _drain(lambda: len(ledger.events()) >= 2)
    events = ledger.events()
    assert sorted(e.route for e in events) == ["cloud", "local"]
    assert len({e.event_id for e in events}) == 2
    by_route = {e.route: e for e in events}
    assert by_route["cloud"].cost_usd > 0
    assert by_route["cloud"].input_tokens > 0 and by_route["cloud"].output_tokens > 0
    assert by_route["cloud"].metadata["model_group"] == "chat"


def test_cost_logger_dedupes_and_prices_missing_costs() -> None:
    ledger = MemoryLedger()
    logger = HybridCostLogger(ledger)
    kwargs = {
        "litellm_call_id": "call-1",
        "model": "gpt-4o",
        "response_cost": None,
        "litellm_params": {"metadata": {"model_info": {"hybridchain": "cloud"}}},
        "standard_logging_object": {"prompt_tokens": 1000, "completion_tokens": 100},
    }
    logger.log_success_event(kwargs, None, 0.0, 1.5)
    asyncio.run(logger.async_log_success_event(kwargs, None, 0.0, 1.5))
    [event] = ledger.events()
    assert event.event_id == "call-1"
    assert event.route == "cloud" and event.priced and event.cost_usd > 0
    assert event.latency_s == pytest.approx(1.5)


def test_decision_metadata_key_is_stable() -> None:
    assert DECISION_METADATA_KEY == "hybridchain_decision"


async def test_two_cost_loggers_both_receive_events() -> None:
    """LiteLLM drops a callback equal to one it holds; each logger must stay distinct."""
    router = router_with(local())
    HybridRoutingStrategy(router, scorer=FixedScorer())
    first, second = MemoryLedger(), MemoryLedger()
    litellm.callbacks.extend([HybridCostLogger(first), HybridCostLogger(second)])
    await router.acompletion(model="chat", messages=[{"role": "user", "content": "hi"}])
    await _drain(lambda: bool(first.events()) and bool(second.events()))
    assert len(first.events()) == len(second.events()) == 1


async def _drain(until: Callable[[], bool] = _never, timeout_s: float = 5.0) -> None:
    # LiteLLM runs async success callbacks on a global worker queue (some enqueued from
    # tasks of their own): flush it until ``until`` holds, or a few rounds at least.
    from litellm.litellm_core_utils.logging_worker import GLOBAL_LOGGING_WORKER

    deadline = time.monotonic() + timeout_s
    rounds = 0
    while time.monotonic() < deadline:
        await GLOBAL_LOGGING_WORKER.flush()
        await asyncio.sleep(0.02)
        rounds += 1
        if until() or (rounds >= 5 and until is _never):
            return


def _wait_for(until: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not until() and time.monotonic() < deadline:
        time.sleep(0.02)


def _now() -> float:
    return time.time()
