"""HybridRoutingMiddleware inside ``create_agent``'s loop, with deterministic fake models."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.runnables import Runnable
from langchain_core.tools import tool

from hybridchain.core.cost import Budget, LocalCostModel
from hybridchain.errors import SensitiveDataError
from hybridchain.langchain.cost_meter import CostMeter
from hybridchain.langchain.gate import SensitivityGate
from hybridchain.langchain.middleware import CostMeterMiddleware, HybridRoutingMiddleware
from hybridchain.langchain.router import ComplexityRouter
from hybridchain.testing import EchoChatModel

EMAIL = "ann@example.com"
SSN = "536-22-8510"


class AgentModel(EchoChatModel):
    """An EchoChatModel an agent can bind tools to: calls ``tool_name`` once, then answers."""

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any
    ) -> Runnable[Any, AIMessage]:
        return self

    def _answer(self, messages: list[BaseMessage]) -> AIMessage:
        if self.tool_name is None or not isinstance(messages[-1], ToolMessage):
            return super()._answer(messages)
        self.requests.append(list(messages))
        return AIMessage(content=f"{self.label}: {messages[-1].text}")


class Fixed:
    """A scorer that gives every request the same complexity."""

    def __init__(self, value: float) -> None:
        self.value = value

    def score(self, _input: Any) -> float:
        return self.value


class Events(BaseCallbackHandler):
    """Collect the ``hybridchain_decision`` custom events."""

    def __init__(self) -> None:
        self.decisions: list[dict[str, Any]] = []

    def on_custom_event(self, name: str, data: Any, **kwargs: Any) -> None:
        if name == "hybridchain_decision":
            self.decisions.append(data)


def sent_text(model: EchoChatModel) -> str:
    """Everything a fake model was sent: contents, tool-call args, tool results."""
    return json.dumps([[m.model_dump() for m in r] for r in model.requests], default=str)


def complex_router() -> ComplexityRouter:
    return ComplexityRouter(scorer=Fixed(1.0))


def test_a_confidential_tool_result_sends_the_next_call_local() -> None:
    local = AgentModel(label="local")
    cloud = AgentModel(label="cloud", tool_name="lookup")

    @tool
    def lookup(text: str) -> str:
        """Look a customer up."""
        return f"customer {EMAIL}, SSN {SSN}"

    middleware = HybridRoutingMiddleware(local=local, cloud=cloud, router=complex_router())
    agent = create_agent(model=local, tools=[lookup], middleware=[middleware])
    events = Events()
    out = agent.invoke(
        {"messages": [("user", "Find the customer of order 42")]}, {"callbacks": [events]}
    )

    assert len(cloud.requests) == 1 and len(local.requests) == 1
    assert EMAIL not in sent_text(cloud) and SSN not in sent_text(cloud)
    assert SSN in sent_text(local)
    assert out["messages"][-1].text == f"local: customer {EMAIL}, SSN {SSN}"
    assert [d["target"] for d in events.decisions] == ["cloud", "local"]
    assert {d["component"] for d in events.decisions} == {"middleware"}
    assert EMAIL not in json.dumps(events.decisions) and SSN not in json.dumps(events.decisions)
    assert {f["entity_type"] for f in events.decisions[1]["findings"]} >= {"US_SSN"}


def test_decisions_reach_the_custom_stream() -> None:
    local, cloud = AgentModel(label="local"), AgentModel(label="cloud")
    agent = create_agent(
        model=local, middleware=[HybridRoutingMiddleware(local=local, cloud=cloud)]
    )
    chunks = list(agent.stream({"messages": [("user", f"SSN {SSN}")]}, stream_mode="custom"))
    assert [c["target"] for c in chunks] == ["local"]
    assert SSN not in json.dumps(chunks)


@pytest.mark.parametrize("where", ["system", "earlier turn", "tool-call args"])
def test_the_whole_conversation_is_scanned(where: str) -> None:
    local, cloud = AgentModel(label="local"), AgentModel(label="cloud")
    system = f"The operator's SSN is {SSN}." if where == "system" else None
    history: list[Any] = [("user", "hello")]
    if where == "earlier turn":
        history = [("user", f"My SSN is {SSN}"), ("ai", "noted"), ("user", "hello")]
    if where == "tool-call args":
        history = [
            ("user", "file it"),
            AIMessage("", tool_calls=[{"name": "file", "args": {"ssn": SSN}, "id": "c1"}]),
            ToolMessage("filed", tool_call_id="c1"),
        ]
    agent = create_agent(
        model=local,
        system_prompt=system,
        middleware=[HybridRoutingMiddleware(local=local, cloud=cloud)],
    )
    agent.invoke({"messages": history})
    assert cloud.requests == [] and len(local.requests) == 1


@pytest.mark.parametrize(("score", "answered_by"), [(0.1, "local"), (0.9, "cloud")])
def test_public_requests_follow_the_router(score: float, answered_by: str) -> None:
    local, cloud = AgentModel(label="local"), AgentModel(label="cloud")
    router = ComplexityRouter(scorer=Fixed(score), threshold=0.5)
    agent = create_agent(
        model=local, middleware=[HybridRoutingMiddleware(local=local, cloud=cloud, router=router)]
    )
    out = agent.invoke({"messages": [("user", "What is the capital of France?")]})
    assert out["messages"][-1].text == f"{answered_by}: What is the capital of France?"


def test_without_a_router_public_requests_go_to_the_cloud() -> None:
    local, cloud = AgentModel(label="local"), AgentModel(label="cloud")
    agent = create_agent(
        model=local, middleware=[HybridRoutingMiddleware(local=local, cloud=cloud)]
    )
    assert agent.invoke({"messages": [("user", "hi")]})["messages"][-1].text == "cloud: hi"


def _pseudonymizing_agent(received: list[str]) -> tuple[Any, AgentModel, AgentModel]:
    local = AgentModel(label="local")
    cloud = AgentModel(label="cloud", tool_name="send_mail")

    @tool
    def send_mail(text: str) -> str:
        """Send an email."""
        received.append(text)
        assert EMAIL in text and "<EMAIL_ADDRESS" not in text
        return f"Sent to {EMAIL}"

    middleware = HybridRoutingMiddleware(
        local=local, cloud=cloud, router=complex_router(), mode="pseudonymize"
    )
    agent = create_agent(model=local, tools=[send_mail], middleware=[middleware])
    return agent, local, cloud


def _check_pseudonymized_run(out: dict[str, Any], received: list[str], cloud: AgentModel) -> None:
    assert received == [f"cloud: Write to {EMAIL} about order 42"]
    assert len(cloud.requests) == 2
    assert EMAIL not in sent_text(cloud)
    first, second = cloud.requests
    assert first[-1].text == "Write to <EMAIL_ADDRESS_1> about order 42"
    # On the next call the same value has the same placeholder, in every message.
    ai, result = second[-2], second[-1]
    assert isinstance(ai, AIMessage)
    assert ai.tool_calls[0]["args"] == {"text": "cloud: Write to <EMAIL_ADDRESS_1> about order 42"}
    assert result.text == "Sent to <EMAIL_ADDRESS_1>"
    # The state holds real values: the tool-call args and the final answer are restored.
    state_ai = out["messages"][1]
    assert state_ai.tool_calls[0]["args"] == {"text": f"cloud: Write to {EMAIL} about order 42"}
    assert out["messages"][-1].text == f"cloud: Sent to {EMAIL}"


def test_pseudonymize_mode_hides_values_from_the_cloud_and_restores_them() -> None:
    received: list[str] = []
    agent, local, cloud = _pseudonymizing_agent(received)
    events = Events()
    out = agent.invoke(
        {"messages": [("user", f"Write to {EMAIL} about order 42")]}, {"callbacks": [events]}
    )
    _check_pseudonymized_run(out, received, cloud)
    assert local.requests == []
    assert [d["target"] for d in events.decisions] == ["cloud", "cloud"]
    assert events.decisions[0]["extra"]["placeholders"] == 1
    assert EMAIL not in json.dumps(events.decisions)


async def test_async_agents_are_routed_and_restored_the_same_way() -> None:
    received: list[str] = []
    agent, local, cloud = _pseudonymizing_agent(received)
    out = await agent.ainvoke({"messages": [("user", f"Write to {EMAIL} about order 42")]})
    _check_pseudonymized_run(out, received, cloud)
    assert local.requests == []


async def test_async_route_mode_keeps_sensitive_calls_local() -> None:
    local, cloud = AgentModel(label="local"), AgentModel(label="cloud")
    agent = create_agent(
        model=local, middleware=[HybridRoutingMiddleware(local=local, cloud=cloud)]
    )
    events = Events()
    out = await agent.ainvoke({"messages": [("user", f"My SSN is {SSN}")]}, {"callbacks": [events]})
    assert out["messages"][-1].text == f"local: My SSN is {SSN}"
    assert cloud.requests == []
    assert [d["target"] for d in events.decisions] == ["local"]


def test_simple_pseudonymizable_requests_stay_local_unmasked() -> None:
    local, cloud = AgentModel(label="local"), AgentModel(label="cloud")
    router = ComplexityRouter(scorer=Fixed(0.0))
    middleware = HybridRoutingMiddleware(
        local=local, cloud=cloud, router=router, mode="pseudonymize"
    )
    agent = create_agent(model=local, middleware=[middleware])
    out = agent.invoke({"messages": [("user", f"mail {EMAIL}")]})
    assert out["messages"][-1].text == f"local: mail {EMAIL}"
    assert cloud.requests == []


def test_block_mode_raises_before_any_model_call() -> None:
    local, cloud = AgentModel(label="local"), AgentModel(label="cloud")
    gate = SensitivityGate(mode="block")
    agent = create_agent(
        model=local, middleware=[HybridRoutingMiddleware(local=local, cloud=cloud, gate=gate)]
    )
    with pytest.raises(SensitiveDataError):
        agent.invoke({"messages": [("user", f"My SSN is {SSN}")]})
    assert local.requests == [] and cloud.requests == []


def test_the_cost_meter_prices_each_call_by_the_route_chosen() -> None:
    # Both fakes claim the same cloud model name: only the decision in the run
    # metadata can tell the meter that the second call ran locally.
    local = AgentModel(label="local", model_name="gpt-4o-mini")
    cloud = AgentModel(label="cloud", model_name="gpt-4o-mini", tool_name="lookup")

    @tool
    def lookup(text: str) -> str:
        """Look a customer up."""
        return f"customer SSN {SSN}"

    meter = CostMeter(local_cost=LocalCostModel(hardware_price_usd=2000, tokens_per_second=50))
    agent = create_agent(
        model=local,
        tools=[lookup],
        middleware=[
            CostMeterMiddleware(meter),
            HybridRoutingMiddleware(local=local, cloud=cloud, router=complex_router()),
        ],
    )
    agent.invoke({"messages": [("user", "Find the customer of order 42")]})
    events = meter.ledger.events()
    assert [e.route for e in events] == ["cloud", "local"]
    assert all(e.priced and e.cost_usd > 0 for e in events)
    assert all(e.input_tokens > 0 for e in events)


async def test_the_cost_meter_middleware_records_async_calls() -> None:
    model = AgentModel(model_name="llama3")
    gpu = LocalCostModel(hardware_price_usd=2000, tokens_per_second=50)
    meter = CostMeter(local_models={"llama3": gpu})
    agent = create_agent(model=model, middleware=[CostMeterMiddleware(meter)])
    await agent.ainvoke({"messages": [("user", "hi")]})
    await agent.ainvoke({"messages": [("user", "hello")]})
    assert meter.report().by_route["local"].events == 2


def test_a_spent_cloud_budget_keeps_calls_local() -> None:
    local = AgentModel(label="local", model_name="llama3")
    cloud = AgentModel(label="cloud", model_name="gpt-4o-mini")
    gpu = LocalCostModel(hardware_price_usd=2000, tokens_per_second=50)
    meter = CostMeter(local_models={"llama3": gpu}, budgets=[Budget(limit_usd=1e-9)])
    assert meter.guard is not None
    routing = HybridRoutingMiddleware(
        local=local, cloud=cloud, router=complex_router(), budget=meter.guard
    )
    agent = create_agent(model=local, middleware=[CostMeterMiddleware(meter), routing])
    events = Events()
    for _ in range(2):
        agent.invoke({"messages": [("user", "Prove it.")]}, {"callbacks": [events]})
    assert [d["target"] for d in events.decisions] == ["cloud", "local"]
    assert "cloud budget exhausted: routed local" in events.decisions[1]["reasons"]
    assert [e.route for e in meter.ledger.events()] == ["cloud", "local"]
