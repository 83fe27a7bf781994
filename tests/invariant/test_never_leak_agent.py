"""Never leak inside an agent (``HybridRoutingMiddleware`` in ``create_agent``) or the graph.

Two ways sensitive data enters an agent's conversation: it is in the input (any place,
including earlier tool calls and results), or a tool returns it while the agent runs.
Either way, every later model call that carries it goes local (route) or carries only
placeholders (pseudonymize), and tools always get real values.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.runnables import Runnable
from langchain_core.tools import tool

from hybridchain import ComplexityRouter
from hybridchain.langchain.middleware import HybridRoutingMiddleware
from hybridchain.langgraph_example import build_hybrid_graph
from hybridchain.testing import EchoChatModel, RecorderServer
from tests.invariant.leak_harness import Targets, Watch, cloud_model, tapped, text_of
from tests.invariant.leak_values import PLACES, Secret, conversation, secrets

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")
AGENT_ENTRY_POINTS = ("invoke", "ainvoke", "stream", "astream")


class ToolUser(EchoChatModel):
    """A local model that calls ``lookup`` with the last message, then answers its result."""

    tool_name: str | None = "lookup"

    def bind_tools(self, tools: Any, **kwargs: Any) -> Runnable[Any, AIMessage]:
        return self

    def _answer(self, messages: list[BaseMessage]) -> AIMessage:
        if not isinstance(messages[-1], ToolMessage):
            return super()._answer(messages)
        self.requests.append(list(messages))
        return AIMessage(content=f"{self.label}: {messages[-1].text}")


class Lookup:
    """The agent's tool: returns what the example sets, and keeps what it was called with."""

    def __init__(self) -> None:
        self.result = "no record"
        self.calls: list[str] = []

    def __call__(self, text: str) -> str:
        self.calls.append(text)
        return self.result


@pytest.fixture(scope="module")
def watch(recorder: RecorderServer) -> Iterator[Watch]:
    with tapped() as tap:
        yield Watch(recorder, tap)


@pytest.fixture(scope="module")
def lookup() -> Lookup:
    return Lookup()


@pytest.fixture(scope="module")
def agents(recorder: RecorderServer, lookup: Lookup) -> Targets:
    @tool("lookup")
    def lookup_tool(text: str) -> str:
        """Look a customer up."""
        return lookup(text)

    out = Targets()
    for mode in ("route", "pseudonymize"):
        local, cloud = ToolUser(label="local"), cloud_model(recorder)
        routing = HybridRoutingMiddleware(local=local, cloud=cloud, mode=mode)
        out[mode] = create_agent(model=local, tools=[lookup_tool], middleware=[routing])
    return out


def _run(
    entry: str, agent: Runnable[Any, Any], messages: list[Any], w: Watch, loop: Any
) -> list[BaseMessage]:
    """Run the agent through ``entry``; return its final messages."""
    state = {"messages": messages}
    config = w.config
    if entry == "invoke":
        return list(agent.invoke(state, config)["messages"])
    if entry == "ainvoke":
        return list(loop.run_until_complete(agent.ainvoke(state, config))["messages"])
    modes = ["values", "custom"]
    if entry == "stream":
        parts = list(agent.stream(state, config, stream_mode=modes))
    else:

        async def collect() -> list[Any]:
            return [p async for p in agent.astream(state, config, stream_mode=modes)]

        parts = loop.run_until_complete(collect())
    w.stream_events = [data for kind, data in parts if kind == "custom"]
    return list([data for kind, data in parts if kind == "values"][-1]["messages"])


@settings(max_examples=300)
@given(
    secret=secrets(seed=11),
    where=st.sampled_from([*PLACES, "returned_by_tool"]),
    entry=st.sampled_from(AGENT_ENTRY_POINTS),
    mode=st.sampled_from(["route", "pseudonymize"]),
)
def test_agent_never_leaks(
    agents: Targets,
    lookup: Lookup,
    watch: Watch,
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    where: str,
    entry: str,
    mode: str,
) -> None:
    w = watch.fresh()
    lookup.calls.clear()
    if where == "returned_by_tool":
        lookup.result = secret.text
        messages: list[Any] = [HumanMessage("Look the customer up, please.")]
    else:
        lookup.result = "no record"
        messages = conversation(secret.text, where)
    try:
        final = _run(entry, agents[mode], messages, w, loop)
    except Exception as exc:
        w.error = exc
        raise
    finally:
        w.assert_clean(secret)
    answer = text_of(final[-1])
    cloud_calls = [d for d in w.stream_events + w.decisions() if d.get("target") == "cloud"]
    if mode == "pseudonymize" and secret.hideable:
        assert PLACEHOLDER.search("".join(w.sent()))
        assert answer.startswith("cloud: ")
    elif where == "returned_by_tool":
        # The public question went out; the call carrying the tool's answer stayed local.
        assert len(w.recorder.requests) == 1
        assert answer.startswith("local: ")
    else:
        assert w.recorder.requests == []
        assert cloud_calls == []
        assert answer.startswith("local: ")
    # The agent's state and its tools only ever see real values.
    assert lookup.calls and not any(PLACEHOLDER.search(c) for c in lookup.calls)
    assert not PLACEHOLDER.search(str([m.model_dump() for m in final]))


@pytest.fixture(scope="module")
def graph(recorder: RecorderServer) -> Targets:
    # Threshold 0: everything the policy lets out would go to the cloud.
    router = ComplexityRouter(threshold=0.0)
    local = EchoChatModel(label="local")
    return Targets({"graph": build_hybrid_graph(local, cloud_model(recorder), router=router)})


@settings(max_examples=200)
@given(
    secret=secrets(seed=11),
    place=st.sampled_from(PLACES),
    entry=st.sampled_from(AGENT_ENTRY_POINTS),
)
def test_langgraph_example_graph_never_leaks(
    graph: Targets,
    watch: Watch,
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    place: str,
    entry: str,
) -> None:
    w = watch.fresh()
    try:
        final = _run(entry, graph["graph"], conversation(secret.text, place), w, loop)
    except Exception as exc:
        w.error = exc
        raise
    finally:
        w.assert_clean(secret)
    assert text_of(final[-1]).startswith("local: ")
    assert w.recorder.requests == []
    assert all(d.get("target") != "cloud" for d in w.stream_events)
