"""CostMeter as a LangChain callback: tokens, routes, prices, budgets, reports."""

from __future__ import annotations

import asyncio
import warnings

import litellm
import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from hybridchain import (
    Budget,
    BudgetExceededError,
    BudgetGuard,
    CostMeter,
    LocalCostModel,
    MemoryLedger,
    SensitivityGate,
    SQLiteLedger,
    cost_meter,
)
from hybridchain.core.cost.pricing import UnpricedModelWarning
from hybridchain.testing import EchoChatModel


def litellm_cost(model: str, prompt_tokens: int, completion_tokens: int) -> float:
    prompt, completion = litellm.cost_per_token(
        model=model, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
    )
    return float(prompt + completion)


GPU = LocalCostModel(hardware_price_usd=3000, amortization_years=3, tokens_per_second=40)
EMAIL = "ann.lee@example.org"


def test_cloud_cost_equals_litellm_for_the_same_tokens() -> None:
    meter = CostMeter()
    model = EchoChatModel(model_name="gpt-4o")
    model.invoke("please summarize the following text for me", config={"callbacks": [meter]})
    (event,) = meter.ledger.events()
    assert event.route == "cloud" and not event.estimated and event.priced
    expected = litellm_cost("gpt-4o", event.input_tokens, event.output_tokens)
    assert event.cost_usd == pytest.approx(expected, rel=1e-12)


def test_route_comes_from_the_gate_decision_and_local_is_priced_by_hardware() -> None:
    meter = CostMeter(local_cost=GPU)
    gate = SensitivityGate(
        local=EchoChatModel(model_name="gpt-4o-mini"),  # a local model with a cloud-like name
        cloud=EchoChatModel(model_name="gpt-4o"),
    )
    gate.invoke(f"write to {EMAIL}", config={"callbacks": [meter]})
    gate.invoke("what is 2 + 2?", config={"callbacks": [meter]})
    routes = {e.route: e for e in meter.ledger.events()}
    assert set(routes) == {"local", "cloud"}
    local = routes["local"]
    assert local.cost_usd == pytest.approx(GPU.cost(output_tokens=local.output_tokens))


def test_stream_without_usage_is_estimated() -> None:
    meter = CostMeter(local_models={"fake": GPU})
    model = GenericFakeChatModel(messages=iter([AIMessage("one two three four five")]))
    chunks = list(
        model.stream(
            "hello there", config={"callbacks": [meter], "metadata": {"ls_model_name": "fake"}}
        )
    )
    assert chunks
    (event,) = meter.ledger.events()
    assert event.estimated
    assert event.output_tokens >= 5
    assert event.input_tokens >= 2


def test_async_and_batch_calls_are_all_recorded() -> None:
    meter = CostMeter()
    model = EchoChatModel(model_name="gpt-4o-mini")

    async def run() -> None:
        await asyncio.gather(
            *(model.ainvoke(f"q{i}", config={"callbacks": [meter]}) for i in range(20))
        )

    asyncio.run(run())
    model.batch([f"b{i}" for i in range(5)], config={"callbacks": [meter]})
    assert meter.report().total.events == 25


def test_unknown_model_warns_once_and_is_unpriced() -> None:
    meter = CostMeter()
    model = EchoChatModel(model_name="my-private-model-x")
    with pytest.warns(UnpricedModelWarning, match="my-private-model-x"):
        model.invoke("a", config={"callbacks": [meter]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.invoke("b", config={"callbacks": [meter]})
    report = meter.report()
    assert report.unpriced_models == ("my-private-model-x",)
    assert all(not e.priced for e in report.events)


def test_tags_metadata_and_savings_report(tmp_path: pytest.TempPathFactory) -> None:
    meter = CostMeter(
        ledger=SQLiteLedger(tmp_path / "ledger.db"), local_cost=GPU, counterfactual="gpt-4o"
    )  # type: ignore[operator]
    gate = SensitivityGate(
        local=EchoChatModel(model_name="llama3"), cloud=EchoChatModel(model_name="gpt-4o-mini")
    )
    for i in range(3):
        gate.invoke(
            f"ssn 536-22-85{i}0 please",
            config={"callbacks": [meter], "tags": ["tenant-a"], "metadata": {"tenant": "acme"}},
        )
    gate.invoke("public question", config={"callbacks": [meter], "tags": ["tenant-b"]})
    report = meter.report()
    assert report.by_route["local"].events == 3 and report.by_route["cloud"].events == 1
    assert report.by_tag["tenant-a"].events == 3
    assert report.by_tag["tenant=acme"].events == 3
    assert report.savings_usd is not None and report.savings_usd > 0
    assert report.counterfactual_usd == pytest.approx(
        sum(litellm_cost("gpt-4o", e.input_tokens, e.output_tokens) for e in report.events)
    )
    frame = report.to_pandas()
    assert list(frame["route"]).count("local") == 3
    assert "tenant-a" in report._repr_html_()
    import matplotlib

    matplotlib.use("Agg")
    ax = report.plot()
    assert len(ax.get_lines()) == 3


def test_exhausted_budget_switches_the_gate_to_local() -> None:
    ledger = MemoryLedger()
    meter = CostMeter(ledger=ledger, local_cost=GPU)
    guard = BudgetGuard([Budget(limit_usd=1e-6, period="day", action="route_local")], ledger)
    local, cloud = EchoChatModel(model_name="llama3"), EchoChatModel(model_name="gpt-4o")
    gate = SensitivityGate(local=local, cloud=cloud, budget=guard)
    config = {"callbacks": [meter]}
    gate.invoke("a long public question about the history of the roman empire", config=config)
    assert len(cloud.requests) == 1
    gate.invoke("another public question", config=config)
    assert len(cloud.requests) == 1
    assert len(local.requests) == 1


def test_raise_budget_raises() -> None:
    ledger = MemoryLedger()
    meter = CostMeter(ledger=ledger)
    guard = BudgetGuard([Budget(limit_usd=1e-6, action="raise")], ledger)
    gate = SensitivityGate(
        local=EchoChatModel(), cloud=EchoChatModel(model_name="gpt-4o"), budget=guard
    )
    gate.invoke("first public question", config={"callbacks": [meter]})
    with pytest.raises(BudgetExceededError):
        gate.invoke("second public question", config={"callbacks": [meter]})


def test_context_manager_meters_everything_inside_only() -> None:
    model = EchoChatModel(model_name="gpt-4o")
    with cost_meter() as meter:
        model.invoke("inside")
        SensitivityGate(local=EchoChatModel(model_name="llama3"), cloud=model).invoke("hello")
    model.invoke("outside")
    assert meter.report().total.events == 2


def test_failed_calls_are_not_recorded() -> None:
    class Broken(EchoChatModel):
        def _generate(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def, override]
            raise RuntimeError("down")

    meter = CostMeter()
    with pytest.raises(RuntimeError):
        Broken(model_name="gpt-4o").invoke("x", config={"callbacks": [meter]})
    assert meter.report().total.events == 0
