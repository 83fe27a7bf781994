"""ComplexityRouter as a Runnable: tiers, thresholds, calibration, sensitivity, budgets."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.runnables import ConfigurableField, RunnableConfig, RunnableLambda

from hybridchain import (
    Budget,
    BudgetGuard,
    ComplexityRouter,
    CostMeter,
    MemoryLedger,
    SensitiveDataError,
    SensitivityGate,
)
from hybridchain.core.decision import DECISIONS_KEY, SENSITIVITY_KEY
from hybridchain.testing import EchoChatModel


class LengthScorer:
    """Deterministic stand-in: longer conversations are harder."""

    def score(self, value: Any) -> float:
        text = value if isinstance(value, str) else " ".join(str(m.get("content")) for m in value)
        return min(1.0, len(text) / 100)


def pair(**kw: Any) -> tuple[ComplexityRouter, EchoChatModel, EchoChatModel]:
    local, cloud = EchoChatModel(label="local"), EchoChatModel(label="cloud")
    return ComplexityRouter(local=local, cloud=cloud, scorer=LengthScorer(), **kw), local, cloud


def test_simple_local_complex_cloud() -> None:
    router, local, cloud = pair(threshold=0.5)
    assert router.invoke("short").content.startswith("local")
    assert router.invoke("x" * 80).content.startswith("cloud")
    assert len(local.requests) == len(cloud.requests) == 1


def test_multi_turn_scores_the_whole_conversation() -> None:
    router, _, cloud = pair(threshold=0.5)
    convo = [
        SystemMessage("s" * 40),
        HumanMessage("q" * 20),
        AIMessage("a" * 20),
        HumanMessage("why?"),
    ]
    assert router.score(convo) > router.score("why?")
    router.invoke(convo)
    assert len(cloud.requests) == 1


def test_three_tiers() -> None:
    small, large, cloud = (
        EchoChatModel(label="small"),
        EchoChatModel(label="large"),
        EchoChatModel(label="cloud"),
    )
    router = ComplexityRouter(
        tiers={"simple": small, "moderate": large, "complex": cloud},
        threshold=0.7,
        moderate_threshold=0.3,
        scorer=LengthScorer(),
    )
    assert [router.invoke("x" * n).content.split(":")[0] for n in (10, 50, 90)] == [
        "small",
        "large",
        "cloud",
    ]


def test_sensitive_level_in_metadata_keeps_complex_requests_local() -> None:
    router, local, cloud = pair(threshold=0.1)
    out = router.invoke("x" * 90, config={"metadata": {SENSITIVITY_KEY: "confidential"}})
    assert out.content.startswith("local")
    assert cloud.requests == []


def test_gate_then_router_never_sends_sensitive_data_to_cloud() -> None:
    local, cloud = EchoChatModel(label="local"), EchoChatModel(label="cloud")
    router = ComplexityRouter(local=local, cloud=cloud, threshold=0.0, scorer=LengthScorer())
    # The router sits on the gate's local branch: it must not escalate there to the cloud.
    gate = SensitivityGate(local=router, cloud=cloud)
    gate.invoke("mail ann.lee@example.org about the long and complicated contract " * 3)
    assert cloud.requests == []
    assert len(local.requests) == 1


def test_only_a_cloud_target_and_sensitive_level_is_blocked() -> None:
    router = ComplexityRouter(cloud=EchoChatModel(), scorer=LengthScorer())
    with pytest.raises(SensitiveDataError):
        router.invoke("x", config={"metadata": {SENSITIVITY_KEY: "restricted"}})


def test_decision_record_in_metadata_and_event() -> None:
    seen: dict[str, Any] = {}

    def spy(x: Any, config: RunnableConfig) -> str:
        seen.update(config["metadata"])
        return "ok"

    router = ComplexityRouter(
        local=RunnableLambda(spy), cloud=RunnableLambda(spy), threshold=0.5, scorer=LengthScorer()
    )
    router.invoke("x" * 70)
    decision = seen[DECISIONS_KEY][-1]
    assert decision["component"] == "router"
    assert decision["target"] == "cloud"
    assert decision["complexity"] == pytest.approx(0.7)
    assert decision["extra"]["tier"] == "complex"
    assert decision["extra"]["threshold"] == 0.5

    async def events() -> list[Any]:
        return [e async for e in router.astream_events("x" * 10, version="v2")]

    custom = [e for e in asyncio.run(events()) if e["event"] == "on_custom_event"]
    assert custom[0]["data"]["extra"]["tier"] == "simple"


def test_stream_batch_and_async() -> None:
    router, _, _ = pair(threshold=0.5)
    assert "".join(c.content for c in router.stream("hi")) == "local: hi"
    assert [o.content.split(":")[0] for o in router.batch(["a", "b" * 90])] == ["local", "cloud"]
    out = asyncio.run(router.ainvoke("c" * 90))
    assert out.content.startswith("cloud")


def test_threshold_is_configurable() -> None:
    router, _, cloud = pair(threshold=0.9)
    configurable = router.configurable_fields(threshold=ConfigurableField(id="threshold"))
    configurable.invoke("x" * 50, config={"configurable": {"threshold": 0.2}})
    assert len(cloud.requests) == 1


def test_calibrate_sets_the_share() -> None:
    router, _, _ = pair()
    prompts = ["x" * n for n in range(1, 101)]
    router.calibrate(prompts, cloud_share=0.3)
    share = sum(router.tier_of(router.score(p)) == "complex" for p in prompts) / len(prompts)
    assert share == pytest.approx(0.3, abs=0.02)


def test_exhausted_budget_routes_local() -> None:
    ledger = MemoryLedger()
    meter = CostMeter(ledger=ledger)
    guard = BudgetGuard([Budget(limit_usd=1e-9)], ledger)
    local, cloud = EchoChatModel(label="local"), EchoChatModel(label="cloud", model_name="gpt-4o")
    router = ComplexityRouter(
        local=local, cloud=cloud, threshold=0.1, scorer=LengthScorer(), budget=guard
    )
    router.invoke("x" * 50, config={"callbacks": [meter]})
    router.invoke("x" * 50, config={"callbacks": [meter]})
    assert len(cloud.requests) == 1 and len(local.requests) == 1


def test_bad_configuration_and_input() -> None:
    with pytest.raises(ValueError, match="tier"):
        ComplexityRouter(tiers={"huge": EchoChatModel()})
    with pytest.raises(ValueError, match="not both"):
        ComplexityRouter(local=EchoChatModel(), tiers={"simple": EchoChatModel()})
    with pytest.raises(TypeError, match="not a scorer"):
        ComplexityRouter(local=EchoChatModel(), scorer=object())
    router, _, _ = pair()
    with pytest.raises(TypeError, match="int"):
        router.invoke(42)
