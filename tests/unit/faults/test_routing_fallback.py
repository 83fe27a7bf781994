"""Gate and router: an unavailable target hands the request over, by every entry point."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest
from fault_drive import STREAMS, Outcome, connect_error, drive
from langchain_core.runnables import Runnable

from hybridchain import BudgetExceededError, BudgetScope, ComplexityRouter, SensitivityGate
from hybridchain.core.availability import FALLBACK_EVENT, FALLBACK_KEY
from hybridchain.core.confidence import LocalModelUnavailableError
from hybridchain.core.cost import Budget, BudgetGuard, CostEvent, MemoryLedger
from hybridchain.core.decision import EVENT_NAME
from hybridchain.testing import EchoChatModel
from hybridchain.testing.faults import FaultyChatModel

Call = Callable[[Runnable[Any, Any], Any], Outcome]

SSN = "536-22-8510"
SENSITIVE = f"My SSN is {SSN}, please file the form."
PUBLIC = "What is the capital of France?"
_REQUEST = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def _server_error(status: int = 500) -> openai.InternalServerError:
    return openai.InternalServerError(
        "server error", response=httpx.Response(status, request=_REQUEST), body=None
    )


def _sent(model: EchoChatModel) -> str:
    return " ".join(str(m.content) for request in model.requests for m in request)


def _cheap_router(local: Any, cloud: Any, **kw: Any) -> ComplexityRouter:
    # Threshold 1.0: every request is "simple", so the local target is chosen first.
    return ComplexityRouter(local=local, cloud=cloud, threshold=1.0, **kw)


# -- local unavailable ----------------------------------------------------------------


def test_public_request_whose_local_target_is_down_is_answered_by_the_cloud(call: Call) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    out = call(_cheap_router(local, cloud), PUBLIC)
    assert out.text == f"cloud: {PUBLIC}"
    assert len(local.requests) == 1
    (fallback,) = out.named(FALLBACK_EVENT)
    assert fallback == {
        "component": "router",
        "from": "local",
        "to": "cloud",
        "error": "ConnectError",
        "reason": "ConnectError",
        "chunks_discarded": 0,
    }
    first, second = out.named(EVENT_NAME)
    assert (first["target"], second["target"]) == ("local", "cloud")
    assert second["extra"]["fallback"]["error"] == "ConnectError"
    assert any("fell back to cloud" in r for r in second["reasons"])


def test_sensitive_request_whose_local_target_is_down_never_reaches_the_cloud(
    call: Call,
) -> None:
    local = FaultyChatModel(label="local", error=openai.APIConnectionError(request=_REQUEST))
    cloud = EchoChatModel(label="cloud")
    with pytest.raises(LocalModelUnavailableError) as info:
        call(SensitivityGate(local=local, cloud=cloud), SENSITIVE)
    assert cloud.requests == []
    assert info.value.entity_types == ("US_SSN",)
    assert info.value.failed == ("APIConnectionError",)
    assert isinstance(info.value.failures[0], openai.APIConnectionError)
    assert SSN not in str(info.value) and "US_SSN" in str(info.value)
    assert info.value.__cause__ is None


def test_router_keeps_a_level_recorded_by_an_outer_gate(how: str) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    gate = SensitivityGate(local=_cheap_router(local, cloud), cloud=cloud)
    with pytest.raises(LocalModelUnavailableError):
        drive(gate, SENSITIVE, how)
    assert cloud.requests == []


def test_pseudonymized_fallback_to_the_cloud_carries_placeholders_only(call: Call) -> None:
    # The gate masks the SSN; its router sends the masked request to local, which is down:
    # the cloud gets the same placeholders, and the answer comes back restored.
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    gate = SensitivityGate(local=local, cloud=_cheap_router(local, cloud), mode="pseudonymize")
    out = call(gate, SENSITIVE)
    assert SSN not in _sent(cloud) and "<US_SSN_1>" in _sent(cloud)
    assert out.text == f"cloud: {SENSITIVE}"


# -- cloud unavailable ----------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503, 429])
def test_cloud_answering_5xx_or_429_falls_back_to_local(how: str, status: int) -> None:
    error: Exception = _server_error(status)
    if status == 429:
        error = openai.RateLimitError(
            "slow down", response=httpx.Response(429, request=_REQUEST), body=None
        )
    local = EchoChatModel(label="local")
    cloud = FaultyChatModel(label="cloud", error=error)
    out = drive(SensitivityGate(local=local, cloud=cloud), PUBLIC, how)
    assert out.text == f"local: {PUBLIC}"
    (fallback,) = out.named(FALLBACK_EVENT)
    assert (fallback["from"], fallback["to"]) == ("cloud", "local")
    assert fallback["reason"] == f"{type(error).__name__} (HTTP {status})"


def test_cloud_timeout_in_pseudonymize_mode_falls_back_to_local_with_the_original(
    call: Call,
) -> None:
    local = EchoChatModel(label="local")
    cloud = FaultyChatModel(label="cloud", error=httpx.ReadTimeout("slow", request=_REQUEST))
    out = call(SensitivityGate(local=local, cloud=cloud, mode="pseudonymize"), SENSITIVE)
    assert out.text == f"local: {SENSITIVE}"
    assert SSN in _sent(local) and SSN not in _sent(cloud)


def test_pseudonymized_request_with_both_targets_down_is_local_unavailable(how: str) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = FaultyChatModel(label="cloud", error=_server_error())
    gate = SensitivityGate(local=local, cloud=cloud, mode="pseudonymize")
    with pytest.raises(LocalModelUnavailableError):
        drive(gate, SENSITIVE, how)
    assert SSN not in _sent(cloud)


def test_both_down_raises_the_fallback_error_and_outer_components_do_not_retry(
    how: str,
) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = FaultyChatModel(label="cloud", error=_server_error())
    gate = SensitivityGate(local=local, cloud=ComplexityRouter(local=local, cloud=cloud))
    with pytest.raises(httpx.ConnectError):
        drive(gate, "Prove that there are infinitely many primes, step by step.", how)
    assert len(cloud.requests) == 1
    assert len(local.requests) == 1


# -- what does not fall back ----------------------------------------------------------


def test_errors_that_are_not_unavailability_propagate_unchanged(call: Call) -> None:
    local = FaultyChatModel(label="local", error=ValueError("bad prompt"))
    cloud = EchoChatModel(label="cloud")
    with pytest.raises(ValueError, match="bad prompt"):
        call(_cheap_router(local, cloud), PUBLIC)
    assert cloud.requests == []


def test_fallback_can_be_switched_off(call: Call) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    with pytest.raises(httpx.ConnectError):
        call(_cheap_router(local, cloud, fallback=False), PUBLIC)
    assert cloud.requests == []


def test_fallback_on_chooses_which_errors_count(call: Call) -> None:
    local = FaultyChatModel(label="local", error=RuntimeError("GPU out of memory"))
    cloud = EchoChatModel(label="cloud")
    router = _cheap_router(local, cloud, fallback_on=lambda e: isinstance(e, RuntimeError))
    assert call(router, PUBLIC).text == f"cloud: {PUBLIC}"


# -- budgets --------------------------------------------------------------------------


def _spent_budget(action: str) -> BudgetGuard:
    ledger = MemoryLedger()
    ledger.record(CostEvent("spent", 1.7e9, "echo", "cloud", cost_usd=5.0))
    return BudgetGuard([Budget(limit_usd=1.0, action=action)], ledger, clock=lambda: 1.7e9 + 1)


def test_fallback_to_the_cloud_respects_an_exhausted_route_local_budget(call: Call) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    with pytest.raises(httpx.ConnectError):
        call(_cheap_router(local, cloud, budget=_spent_budget("route_local")), PUBLIC)
    assert cloud.requests == []


def test_fallback_to_the_cloud_respects_an_exhausted_raise_budget(call: Call) -> None:
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    with pytest.raises(BudgetExceededError):
        call(_cheap_router(local, cloud, budget=_spent_budget("raise")), PUBLIC)
    assert cloud.requests == []


def test_pseudonymize_mode_respects_an_exhausted_budget() -> None:
    local, cloud = EchoChatModel(label="local"), EchoChatModel(label="cloud")
    gate = SensitivityGate(
        local=local, cloud=cloud, mode="pseudonymize", budget=_spent_budget("route_local")
    )
    assert gate.invoke(SENSITIVE).content == f"local: {SENSITIVE}"
    assert cloud.requests == []


# -- streams --------------------------------------------------------------------------


@pytest.mark.parametrize("how", STREAMS)
def test_local_killed_mid_stream_streams_the_cloud_answer_after_the_event(how: str) -> None:
    local = FaultyChatModel(
        label="local", error=httpx.RemoteProtocolError("peer closed"), after_chunks=2
    )
    cloud = EchoChatModel(label="cloud")
    out = drive(_cheap_router(local, cloud), PUBLIC, how)
    partial, answer = out.chunks[:2], out.chunks[2:]
    assert "".join(str(c.content) for c in partial) == f"local: {PUBLIC}"[:8]
    assert "".join(str(c.content) for c in answer) == f"cloud: {PUBLIC}"
    (fallback,) = out.named(FALLBACK_EVENT)
    assert fallback["chunks_discarded"] == 2
    assert answer[0].response_metadata[FALLBACK_KEY] == fallback
    assert all(FALLBACK_KEY not in c.response_metadata for c in [*partial, *answer[1:]])


@pytest.mark.parametrize("how", STREAMS)
def test_sensitive_stream_killed_mid_way_raises_and_never_reaches_the_cloud(how: str) -> None:
    local = FaultyChatModel(
        label="local", error=httpx.RemoteProtocolError("peer closed"), after_chunks=2
    )
    cloud = EchoChatModel(label="cloud")
    with pytest.raises(LocalModelUnavailableError):
        drive(SensitivityGate(local=local, cloud=cloud), SENSITIVE, how)
    assert cloud.requests == []


@pytest.mark.parametrize("how", STREAMS)
def test_cloud_failing_before_the_first_chunk_falls_back_transparently(how: str) -> None:
    local = EchoChatModel(label="local")
    cloud = FaultyChatModel(label="cloud", error=_server_error())
    out = drive(SensitivityGate(local=local, cloud=cloud), PUBLIC, how)
    assert out.text == f"local: {PUBLIC}"
    assert all(FALLBACK_KEY not in c.response_metadata for c in out.chunks)
    assert out.named(FALLBACK_EVENT)[0]["chunks_discarded"] == 0


@pytest.mark.parametrize("how", STREAMS)
def test_pseudonymized_cloud_killed_mid_stream_falls_back_to_local(how: str) -> None:
    local = EchoChatModel(label="local")
    cloud = FaultyChatModel(label="cloud", error=httpx.ReadError("reset"), after_chunks=3)
    gate = SensitivityGate(local=local, cloud=cloud, mode="pseudonymize")
    out = drive(gate, SENSITIVE, how)
    answer = out.chunks[3:]
    assert "".join(str(c.content) for c in answer) == f"local: {SENSITIVE}"
    assert SSN not in _sent(cloud)


def test_a_recovered_local_model_is_used_again() -> None:
    local = FaultyChatModel(label="local", error=connect_error(), failures=1)
    cloud = EchoChatModel(label="cloud")
    router = _cheap_router(local, cloud)
    assert router.invoke(PUBLIC).content == f"cloud: {PUBLIC}"
    assert router.invoke(PUBLIC).content == f"local: {PUBLIC}"


def test_router_applies_tag_scoped_budgets_to_its_first_choice_and_its_fallback() -> None:
    ledger = MemoryLedger()
    ledger.record(CostEvent("spent", 1.7e9, "echo", "cloud", cost_usd=5.0, tags=("team-a",)))
    scope = BudgetScope(kind="tag", value="team-a")
    guard = BudgetGuard([Budget(limit_usd=1.0, scope=scope)], ledger, clock=lambda: 1.7e9 + 1)
    local = FaultyChatModel(label="local", error=connect_error())
    cloud = EchoChatModel(label="cloud")
    router = ComplexityRouter(local=local, cloud=cloud, threshold=0.0, budget=guard)
    # Complex, but team-a's budget is spent: local, which is down; no fallback to the cloud.
    with pytest.raises(httpx.ConnectError):
        router.invoke(PUBLIC, {"tags": ["team-a"]})
    assert cloud.requests == []
    assert router.invoke(PUBLIC, {"tags": ["team-b"]}).content == f"cloud: {PUBLIC}"
