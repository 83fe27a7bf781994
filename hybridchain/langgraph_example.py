"""The hybrid components as a LangGraph graph: each decision is a node, each rule an edge.

Where :class:`~hybridchain.SensitivityGate` and :class:`~hybridchain.ComplexityRouter`
nest as Runnables, a LangGraph application can lay the same rules out as a graph it
can see, extend and stream::

    START → scan ─┬─ the policy lets the data out ─→ route ─┬─ complex → cloud → END
                  │                                          └─ simple ──┐
                  └─ it does not ────────────────────────────→ local ←───┘ → END

- ``scan`` scans every message with the gate and puts the sensitivity level in the state;
- ``route`` (reached only by data the policy lets out) scores the conversation's
  complexity with the router and puts the tier and target in the state;
- ``local`` and ``cloud`` call their model. ``cloud`` re-checks the level first
  (defense in depth), and both pass the decision on in the run metadata so that a
  :class:`~hybridchain.CostMeter` prices the call by its route.

Every node writes its decision (a :class:`~hybridchain.core.decision.RouteDecision`
as a dict: entity types and positions, never values) with LangGraph's stream writer,
so ``graph.stream(inputs, stream_mode="custom")`` yields the decisions to the caller.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AnyMessage
from langchain_core.runnables import RunnableConfig
from typing_extensions import TypedDict

from hybridchain.core.decision import RouteDecision, RouteTarget
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import MissingExtraError, SensitiveDataError
from hybridchain.langchain.config import with_decision
from hybridchain.langchain.gate import SensitivityGate
from hybridchain.langchain.router import ComplexityRouter
from hybridchain.langchain.routing import model_name

try:
    from langgraph.config import get_stream_writer
    from langgraph.graph import END, START, StateGraph
    from langgraph.graph.message import add_messages
    from langgraph.graph.state import CompiledStateGraph
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("the LangGraph example graph", "agents") from err

__all__ = ["HybridGraph", "HybridState", "build_hybrid_graph"]


class HybridState(TypedDict):
    """The graph's state: the conversation and what the nodes decided about it.

    Example:
        >>> HybridState(messages=[], sensitivity="public")["sensitivity"]
        'public'
    """

    messages: Annotated[list[AnyMessage], add_messages]
    """The conversation; the answering node appends its answer."""
    sensitivity: NotRequired[str]
    """Sensitivity level the ``scan`` node found (a :class:`Sensitivity` value)."""
    complexity: NotRequired[float]
    """Complexity score the ``route`` node gave, in ``[0, 1]``."""
    target: NotRequired[RouteTarget]
    """Where the request went (``local`` or ``cloud``)."""


HybridGraph = CompiledStateGraph[HybridState, None, HybridState, HybridState]
"""The compiled graph :func:`build_hybrid_graph` returns."""


def build_hybrid_graph(
    local: BaseChatModel,
    cloud: BaseChatModel,
    gate: SensitivityGate | None = None,
    router: ComplexityRouter | None = None,
) -> HybridGraph:
    """Build the scan → route → local/cloud graph described in this module.

    Args:
        local: Model for sensitive and simple requests.
        cloud: Model for public, complex requests.
        gate: Scanner and policy (default: a :class:`SensitivityGate` with its defaults).
        router: Scorer, threshold and budget (default: a :class:`ComplexityRouter`).

    Returns:
        The compiled graph; its input and output are :class:`HybridState`.

    Example:
        >>> from hybridchain.testing import EchoChatModel
        >>> graph = build_hybrid_graph(EchoChatModel(label="local"), EchoChatModel(label="cloud"))
        >>> inputs = {"messages": [("user", "My SSN is 536-22-8510")]}
        >>> [(d["component"], d["target"]) for d in graph.stream(inputs, stream_mode="custom")]
        [('gate', 'local'), ('graph', 'local')]
        >>> graph.invoke(inputs)["messages"][-1].text
        'local: My SSN is 536-22-8510'
    """
    gate_ = gate if gate is not None else SensitivityGate()
    router_ = router if router is not None else ComplexityRouter()
    policy = gate_.policy

    def scan(state: HybridState) -> dict[str, Any]:
        report = gate_.scan(state["messages"])
        may_cloud = policy.allows("cloud", report.level)
        reasons = [f"found {', '.join(report.entity_types)}"] if report.findings else []
        if report.errors:
            reasons.append(f"detector(s) {', '.join(report.errors)} failed: fail closed")
        reasons.append(f"{report.level} {'may reach the cloud' if may_cloud else 'stays local'}")
        target: RouteTarget = "cloud" if may_cloud else "local"
        _write(RouteDecision("gate", target, tuple(reasons), report.level, report.findings))
        return {"sensitivity": str(report.level)}

    def after_scan(state: HybridState) -> Literal["route", "local"]:
        return "route" if policy.allows("cloud", _level(state)) else "local"

    def route(state: HybridState) -> dict[str, Any]:
        score = router_.score(state["messages"])
        tier = router_.tier_of(score)
        target: RouteTarget = "cloud" if tier in router_.cloud_tiers else "local"
        reasons = [f"complexity {score:.3f} → {tier} (threshold {router_.threshold:.3f})"]
        if (
            target == "cloud"
            and router_.budget
            and not router_.budget.allows_cloud(model_name(cloud))
        ):
            reasons.append("cloud budget exhausted: routed local")
            target = "local"
        decision = RouteDecision(
            "router", target, tuple(reasons), _level(state), complexity=score, extra={"tier": tier}
        )
        _write(decision)
        return {"complexity": score, "target": target}

    def after_route(state: HybridState) -> Literal["local", "cloud"]:
        return "cloud" if state.get("target") == "cloud" else "local"

    def answer_with(target: Literal["local", "cloud"]) -> Any:
        model = local if target == "local" else cloud

        def answer(state: HybridState, config: RunnableConfig) -> dict[str, Any]:
            level = _level(state)
            if target == "cloud" and not policy.allows("cloud", level):
                _write(RouteDecision("graph", "blocked", (f"{level} may not reach the cloud",)))
                raise SensitiveDataError(level)
            decision = RouteDecision("graph", target, (f"answered by the {target} model",), level)
            _write(decision)
            reply = model.invoke(state["messages"], with_decision(config, decision, level))
            return {"messages": [reply], "target": target}

        return answer

    graph = StateGraph(HybridState)
    graph.add_node("scan", scan)
    graph.add_node("route", route)
    graph.add_node("local", answer_with("local"))
    graph.add_node("cloud", answer_with("cloud"))
    graph.add_edge(START, "scan")
    graph.add_conditional_edges("scan", after_scan)
    graph.add_conditional_edges("route", after_route)
    graph.add_edge("local", END)
    graph.add_edge("cloud", END)
    return graph.compile()


def _level(state: HybridState) -> Sensitivity:
    # A state without a readable level fails closed.
    try:
        return Sensitivity.parse(state["sensitivity"])
    except (KeyError, ValueError):
        return Sensitivity.RESTRICTED


def _write(decision: RouteDecision) -> None:
    get_stream_writer()(decision.to_dict())
