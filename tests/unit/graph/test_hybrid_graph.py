"""The example LangGraph graph: nodes, conditional edges and streamed decisions."""

from __future__ import annotations

import json
from typing import Any

from hybridchain.core.cost import LocalCostModel
from hybridchain.langchain.cost_meter import CostMeter
from hybridchain.langchain.router import ComplexityRouter
from hybridchain.langgraph_example import build_hybrid_graph
from hybridchain.testing import EchoChatModel

SSN = "536-22-8510"
EMAIL = "ann@example.com"


class Fixed:
    """A scorer that gives every request the same complexity."""

    def __init__(self, value: float) -> None:
        self.value = value

    def score(self, _input: Any) -> float:
        return self.value


def models() -> tuple[EchoChatModel, EchoChatModel]:
    return EchoChatModel(label="local"), EchoChatModel(label="cloud")


def test_confidential_input_goes_to_the_local_node_without_scoring() -> None:
    local, cloud = models()
    graph = build_hybrid_graph(local, cloud, router=ComplexityRouter(scorer=Fixed(1.0)))
    inputs = {"messages": [("user", f"My SSN is {SSN}, mail {EMAIL}")]}
    decisions = list(graph.stream(inputs, stream_mode="custom"))
    assert [(d["component"], d["target"]) for d in decisions] == [
        ("gate", "local"),
        ("graph", "local"),
    ]
    assert {f["entity_type"] for f in decisions[0]["findings"]} >= {"US_SSN", "EMAIL_ADDRESS"}
    assert decisions[0]["sensitivity"] == "confidential"
    streamed = json.dumps(decisions)
    assert SSN not in streamed and EMAIL not in streamed
    assert cloud.requests == [] and len(local.requests) == 1


def test_public_complex_input_goes_through_route_to_the_cloud_node() -> None:
    local, cloud = models()
    graph = build_hybrid_graph(local, cloud, router=ComplexityRouter(scorer=Fixed(0.9)))
    inputs = {"messages": [("user", "Prove the four colour theorem.")]}
    decisions = list(graph.stream(inputs, stream_mode="custom"))
    assert [(d["component"], d["target"]) for d in decisions] == [
        ("gate", "cloud"),
        ("router", "cloud"),
        ("graph", "cloud"),
    ]
    assert decisions[1]["complexity"] == 0.9 and decisions[1]["extra"]["tier"] == "complex"
    out = graph.invoke(inputs)
    assert out["messages"][-1].text == "cloud: Prove the four colour theorem."
    assert out["target"] == "cloud" and out["sensitivity"] == "public"
    assert local.requests == []


def test_public_simple_input_goes_through_route_to_the_local_node() -> None:
    local, cloud = models()
    graph = build_hybrid_graph(local, cloud, router=ComplexityRouter(scorer=Fixed(0.1)))
    out = graph.invoke({"messages": [("user", "hi")]})
    assert out["messages"][-1].text == "local: hi"
    assert out["target"] == "local" and out["complexity"] == 0.1
    assert cloud.requests == []


async def test_the_async_graph_streams_the_same_decisions() -> None:
    local, cloud = models()
    graph = build_hybrid_graph(local, cloud, router=ComplexityRouter(scorer=Fixed(0.9)))
    inputs = {"messages": [("user", "hello"), ("ai", "hi"), ("user", f"SSN {SSN}")]}
    decisions = [d async for d in graph.astream(inputs, stream_mode="custom")]
    assert [d["target"] for d in decisions] == ["local", "local"]
    assert SSN not in json.dumps(decisions)
    assert cloud.requests == []


def test_model_calls_carry_the_decision_for_the_cost_meter() -> None:
    # Both models claim a cloud model's name: only the decision in the run metadata
    # tells the meter that the call ran locally.
    local = EchoChatModel(label="local", model_name="gpt-4o-mini")
    cloud = EchoChatModel(label="cloud", model_name="gpt-4o-mini")
    meter = CostMeter(local_cost=LocalCostModel(hardware_price_usd=2000, tokens_per_second=50))
    graph = build_hybrid_graph(local, cloud, router=ComplexityRouter(scorer=Fixed(0.9)))
    graph.invoke({"messages": [("user", f"SSN {SSN}")]}, {"callbacks": [meter]})
    graph.invoke({"messages": [("user", "Prove it.")]}, {"callbacks": [meter]})
    assert [e.route for e in meter.ledger.events()] == ["local", "cloud"]
