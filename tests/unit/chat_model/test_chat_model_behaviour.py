"""``HybridChatModel`` routes by the gate's policy and restores what it pseudonymized."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from chat_model_fakes import ToolEchoChatModel
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.runnables import RunnableConfig, RunnableLambda
from pydantic import BaseModel
from pydantic.v1 import BaseModel as BaseModelV1

from hybridchain.core.cost.local import LocalCostModel
from hybridchain.core.decision import SENSITIVITY_KEY
from hybridchain.errors import SensitiveDataError
from hybridchain.langchain.chat_model import ROUTE_KEY, HybridChatModel
from hybridchain.langchain.cost_meter import CostMeter
from hybridchain.langchain.router import ComplexityRouter

SECRET = "My email is ann@example.com, reply to it."
PUBLIC = "What is the capital of France?"


class Echoed(BaseModel):
    """What the echo models' tool call carries."""

    text: str


@pytest.fixture
def local() -> ToolEchoChatModel:
    return ToolEchoChatModel(label="local", model_name="local-echo")


@pytest.fixture
def cloud() -> ToolEchoChatModel:
    return ToolEchoChatModel(label="cloud", model_name="cloud-echo")


def _sent(model: ToolEchoChatModel) -> str:
    return " ".join(str(m.content) for request in model.requests for m in request)


def _join(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    final = chunks[0]
    for chunk in chunks[1:]:
        final = final + chunk
    return final


def test_sensitive_request_only_reaches_local(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    answer = HybridChatModel(local=local, cloud=cloud).invoke(SECRET)
    assert answer.content == f"local: {SECRET}"
    assert answer.response_metadata[ROUTE_KEY] == "local"
    assert answer.response_metadata["model_name"] == "local-echo"
    assert cloud.requests == []


def test_public_request_goes_to_cloud(local: ToolEchoChatModel, cloud: ToolEchoChatModel) -> None:
    answer = HybridChatModel(local=local, cloud=cloud).invoke([HumanMessage(PUBLIC)])
    assert answer.content == f"cloud: {PUBLIC}"
    assert answer.response_metadata[ROUTE_KEY] == "cloud"
    assert local.requests == []


def test_usage_metadata_passes_through(local: ToolEchoChatModel, cloud: ToolEchoChatModel) -> None:
    answer = HybridChatModel(local=local, cloud=cloud).invoke(PUBLIC)
    assert answer.usage_metadata == {"input_tokens": 6, "output_tokens": 7, "total_tokens": 13}


def test_block_mode_raises(local: ToolEchoChatModel, cloud: ToolEchoChatModel) -> None:
    with pytest.raises(SensitiveDataError):
        HybridChatModel(local=local, cloud=cloud, mode="block").invoke(SECRET)
    assert local.requests == cloud.requests == []


def test_pseudonymize_hides_values_and_restores_content(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    answer = HybridChatModel(local=local, cloud=cloud, mode="pseudonymize").invoke(SECRET)
    assert "ann@example.com" not in _sent(cloud)
    assert answer.content == f"cloud: {SECRET}"
    assert answer.response_metadata[ROUTE_KEY] == "cloud"
    assert local.requests == []


def test_pseudonymize_restores_streamed_content(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    model = HybridChatModel(local=local, cloud=cloud, mode="pseudonymize")
    chunks = list(model.stream(SECRET))
    assert "ann@example.com" not in _sent(cloud)
    assert len(chunks) > 1
    final = _join(chunks)
    assert final.content == f"cloud: {SECRET}"
    assert final.response_metadata[ROUTE_KEY] == "cloud"


def test_pseudonymize_restores_tool_call_args(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    model = HybridChatModel(local=local, cloud=cloud, mode="pseudonymize").bind_tools([Echoed])
    answer = model.invoke(SECRET)
    assert "ann@example.com" not in _sent(cloud)
    assert answer.tool_calls[0]["args"] == {"text": f"cloud: {SECRET}"}
    streamed = _join(list(model.stream(SECRET)))
    assert streamed.tool_calls[0]["args"] == {"text": f"cloud: {SECRET}"}


def test_bind_tools_reaches_the_chosen_model(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    model = HybridChatModel(local=local, cloud=cloud).bind_tools([Echoed], tool_choice="any")
    assert model.invoke(SECRET).tool_calls[0]["name"] == "Echoed"
    assert local.bound[-1] == {"names": ["Echoed"], "tool_choice": "any"}
    assert cloud.requests == []
    assert model.invoke(PUBLIC).tool_calls[0]["args"] == {"text": f"cloud: {PUBLIC}"}


@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
def test_with_structured_output(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel, method: str
) -> None:
    model = HybridChatModel(local=local, cloud=cloud)
    structured = model.with_structured_output(Echoed, method=method)  # type: ignore[arg-type]
    assert structured.invoke(SECRET) == Echoed(text=f"local: {SECRET}")
    assert structured.invoke(PUBLIC) == Echoed(text=f"cloud: {PUBLIC}")
    # Forced by name: local servers that cannot pick a tool still follow a named one.
    assert local.bound[-1]["tool_choice"] == cloud.bound[-1]["tool_choice"] == "Echoed"


def test_with_structured_output_pydantic_v1_schema(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    class EchoedV1(BaseModelV1):
        """What the echo models' tool call carries."""

        text: str

    model = HybridChatModel(local=local, cloud=cloud)
    assert model.with_structured_output(EchoedV1).invoke(PUBLIC) == EchoedV1(
        text=f"cloud: {PUBLIC}"
    )


def test_with_structured_output_include_raw_and_dict_schema(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    model = HybridChatModel(local=local, cloud=cloud, mode="pseudonymize")
    out = model.with_structured_output(Echoed.model_json_schema(), include_raw=True).invoke(SECRET)
    assert isinstance(out, dict)
    assert out["parsed"] == {"text": f"cloud: {SECRET}"}
    assert out["parsing_error"] is None
    assert out["raw"].response_metadata[ROUTE_KEY] == "cloud"


def test_router_splits_public_requests(local: ToolEchoChatModel, cloud: ToolEchoChatModel) -> None:
    model = HybridChatModel(local=local, cloud=cloud, router=ComplexityRouter(threshold=1.0))
    answer = model.invoke(PUBLIC)
    assert answer.content == f"local: {PUBLIC}"
    assert answer.response_metadata[ROUTE_KEY] == "local"
    assert cloud.requests == []


class _Runs(BaseCallbackHandler):
    def __init__(self) -> None:
        self.starts: list[tuple[UUID, UUID | None]] = []
        self.events: list[Any] = []
        self.event_runs: list[UUID] = []

    def on_chat_model_start(
        self,
        serialized: Any,
        messages: Any,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        **kwargs: Any,
    ) -> None:
        self.starts.append((run_id, parent_run_id))

    def on_custom_event(self, name: str, data: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.events.append(data)
        self.event_runs.append(run_id)


async def test_one_chat_model_run_per_call_and_the_decisions_reach_the_caller(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    # The inner model's run is not reported to the caller: a second chat-model run
    # would make usage and cost callbacks count the call twice.
    runs = _Runs()
    model = HybridChatModel(local=local, cloud=cloud)
    await model.ainvoke(PUBLIC, {"callbacks": [runs]})
    model.invoke(SECRET, {"callbacks": [runs]})
    assert len(runs.starts) == 2
    assert all(parent is None for _, parent in runs.starts)
    assert [e["target"] for e in runs.events] == ["cloud", "local"]
    assert runs.event_runs == [run for run, _ in runs.starts]


async def test_streamed_calls_send_their_decisions_to_the_caller_too(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    runs = _Runs()
    model = HybridChatModel(local=local, cloud=cloud)
    list(model.stream(SECRET, {"callbacks": [runs]}))
    [c async for c in model.astream(PUBLIC, {"callbacks": [runs]})]
    assert [e["target"] for e in runs.events] == ["local", "cloud"]
    assert runs.event_runs == [run for run, _ in runs.starts]


async def test_stream_events_show_the_decision_under_the_model_run(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    model = HybridChatModel(local=local, cloud=cloud)
    events = [e async for e in model.astream_events(SECRET, version="v2")]
    (start,) = [e for e in events if e["event"] == "on_chat_model_start"]
    (decision,) = [e for e in events if e["event"] == "on_custom_event"]
    assert decision["name"] == "hybridchain_decision" and decision["data"]["target"] == "local"
    assert decision["run_id"] == start["run_id"]


def test_cost_meter_counts_each_call_once_by_who_answered(local: ToolEchoChatModel) -> None:
    cloud = ToolEchoChatModel(label="cloud", model_name="gpt-4o")  # a priced cloud model
    gpu = LocalCostModel(hardware_price_usd=1000, tokens_per_second=50)
    meter = CostMeter(local_cost=gpu)
    model = HybridChatModel(local=local, cloud=cloud)
    model.invoke(SECRET, {"callbacks": [meter]})
    model.batch([PUBLIC], {"callbacks": [meter]})
    events = meter.ledger.events()
    assert [(e.route, e.model) for e in events] == [
        ("local", "local-echo"),
        ("cloud", "gpt-4o"),
    ]


def test_level_recorded_by_an_outer_gate_counts(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    model = HybridChatModel(local=local, cloud=cloud)
    config: RunnableConfig = {"metadata": {SENSITIVITY_KEY: "confidential"}}
    assert model.invoke(PUBLIC, config).response_metadata[ROUTE_KEY] == "local"
    assert cloud.requests == []


def test_level_in_stream_config_counts(local: ToolEchoChatModel, cloud: ToolEchoChatModel) -> None:
    model = HybridChatModel(local=local, cloud=cloud)
    config: RunnableConfig = {"metadata": {SENSITIVITY_KEY: "confidential"}}
    assert _join(list(model.stream(PUBLIC, config))).response_metadata[ROUTE_KEY] == "local"
    assert cloud.requests == []


async def test_level_in_astream_config_counts(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    model = HybridChatModel(local=local, cloud=cloud)
    config: RunnableConfig = {"metadata": {SENSITIVITY_KEY: "confidential"}}
    chunks = [c async for c in model.astream(PUBLIC, config)]
    assert _join(chunks).response_metadata[ROUTE_KEY] == "local"
    assert cloud.requests == []


def test_level_recorded_in_an_enclosing_chain_counts_when_streaming(
    local: ToolEchoChatModel, cloud: ToolEchoChatModel
) -> None:
    chain = RunnableLambda(lambda x: x) | HybridChatModel(local=local, cloud=cloud)
    config: RunnableConfig = {"metadata": {SENSITIVITY_KEY: "confidential"}}
    chunks = list(chain.stream(PUBLIC, config))
    assert _join(chunks).response_metadata[ROUTE_KEY] == "local"
    assert cloud.requests == []


async def test_async_invoke_and_stream(local: ToolEchoChatModel, cloud: ToolEchoChatModel) -> None:
    model = HybridChatModel(local=local, cloud=cloud, mode="pseudonymize")
    answer = await model.ainvoke(SECRET)
    assert answer.content == f"cloud: {SECRET}"
    chunks: list[BaseMessage] = [c async for c in model.astream(SECRET)]
    final = _join(chunks)  # type: ignore[arg-type]
    assert final.content == f"cloud: {SECRET}"
    assert final.response_metadata[ROUTE_KEY] == "cloud"
    assert "ann@example.com" not in _sent(cloud)
