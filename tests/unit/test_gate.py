import asyncio
import time
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableConfig, RunnableLambda

from hybridchain import (
    Finding,
    SensitiveDataError,
    Sensitivity,
    SensitivityGate,
    SensitivityPolicy,
)
from hybridchain.core.decision import DECISIONS_KEY, SENSITIVITY_KEY
from hybridchain.testing import EchoChatModel

EMAIL = "ann.lee@example.org"
SSN = "536-22-8510"


def models() -> tuple[EchoChatModel, EchoChatModel]:
    return EchoChatModel(label="local"), EchoChatModel(label="cloud")


def sent_text(model: EchoChatModel) -> str:
    return repr([[m.model_dump() for m in req] for req in model.requests])


def gate(mode: str = "route", **kw: Any) -> tuple[SensitivityGate, EchoChatModel, EchoChatModel]:
    local, cloud = models()
    return SensitivityGate(local=local, cloud=cloud, mode=mode, **kw), local, cloud


def test_scan_contract() -> None:
    report = SensitivityGate().scan(f"Contact {EMAIL} about SSN {SSN}")
    assert report.level is Sensitivity.CONFIDENTIAL
    types = {(f.entity_type, f.start, f.end) for f in report.findings}
    assert ("EMAIL_ADDRESS", 8, 8 + len(EMAIL)) in types
    assert all(isinstance(f.score, float) for f in report.findings)


def test_scan_messages_carry_message_index() -> None:
    report = SensitivityGate().scan(
        [SystemMessage("You are helpful"), HumanMessage("hi"), AIMessage(f"mail {EMAIL}")]
    )
    (finding,) = [f for f in report.findings if f.entity_type == "EMAIL_ADDRESS"]
    assert finding.message_index == 2
    assert finding.path == "content"


def test_route_mode_sends_sensitive_local_and_public_cloud() -> None:
    g, local, cloud = gate()
    assert g.invoke(f"email {EMAIL} a refund").content.startswith("local:")
    assert g.invoke("What is the capital of France?").content.startswith("cloud:")
    assert EMAIL not in sent_text(cloud)
    assert len(local.requests) == len(cloud.requests) == 1


@pytest.mark.parametrize(
    "where",
    ["system", "earlier_turn", "tool_result", "tool_args", "multimodal"],
)
def test_route_mode_sees_every_part_of_the_conversation(where: str) -> None:
    convo: list[Any] = [SystemMessage("be brief"), HumanMessage("hello"), AIMessage("hi")]
    if where == "system":
        convo[0] = SystemMessage(f"The user's SSN is {SSN}")
    elif where == "earlier_turn":
        convo[1] = HumanMessage(f"I am {EMAIL}")
    elif where == "tool_result":
        convo += [
            AIMessage("", tool_calls=[{"name": "lookup", "args": {}, "id": "t1"}]),
            ToolMessage(f"record: {EMAIL}", tool_call_id="t1"),
        ]
    elif where == "tool_args":
        convo += [
            AIMessage("", tool_calls=[{"name": "mail", "args": {"to": EMAIL}, "id": "t1"}]),
            ToolMessage("sent", tool_call_id="t1"),
        ]
    else:
        convo[1] = HumanMessage(
            content=[
                {"type": "text", "text": f"ssn {SSN}"},
                {"type": "image", "url": "https://x.test/a.png"},
            ]
        )
    convo.append(HumanMessage("thanks, summarize"))
    g, local, cloud = gate()
    g.invoke(convo)
    assert cloud.requests == []
    assert len(local.requests) == 1


def test_openai_style_dicts_and_prompt_values() -> None:
    g, local, cloud = gate()
    g.invoke([{"role": "user", "content": f"card for {EMAIL}"}])
    prompt = ChatPromptTemplate.from_messages([("human", "{q}")])
    (prompt | g).invoke({"q": f"mail {EMAIL}"})
    assert cloud.requests == []
    assert len(local.requests) == 2


def test_block_mode_names_types_and_positions_not_values() -> None:
    g, local, cloud = gate("block")
    with pytest.raises(SensitiveDataError) as info:
        g.invoke(f"my ssn is {SSN}")
    message = str(info.value)
    assert "US_SSN" in message
    assert "[10:21]" in message
    assert SSN not in message
    assert local.requests == cloud.requests == []
    assert g.invoke("hello there").content.startswith("cloud:")


def test_pseudonymize_mode_cloud_sees_placeholders_and_output_is_restored() -> None:
    g, local, cloud = gate("pseudonymize")
    messages = [
        SystemMessage(f"Customer {EMAIL}"),
        HumanMessage(f"Write to {EMAIL} about ssn {SSN}"),
    ]
    out = g.invoke(messages)
    sent = sent_text(cloud)
    assert EMAIL not in sent and SSN not in sent
    assert "<EMAIL_ADDRESS_1>" in cloud.requests[0][0].content
    assert "<EMAIL_ADDRESS_1>" in cloud.requests[0][1].content  # same value, same placeholder
    assert out.content == f"cloud: Write to {EMAIL} about ssn {SSN}"
    assert local.requests == []


def test_pseudonymize_restores_tool_call_arguments() -> None:
    local = EchoChatModel(label="local")
    cloud = EchoChatModel(label="cloud", tool_name="send_mail")
    g = SensitivityGate(local=local, cloud=cloud, mode="pseudonymize")
    out = g.invoke(f"mail {EMAIL}")
    assert EMAIL not in sent_text(cloud)
    assert out.tool_calls[0]["args"] == {"text": f"cloud: mail {EMAIL}"}


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7])
def test_pseudonymize_stream_restores_split_placeholders(chunk_size: int) -> None:
    local = EchoChatModel(label="local")
    cloud = EchoChatModel(label="cloud", chunk_size=chunk_size)
    g = SensitivityGate(local=local, cloud=cloud, mode="pseudonymize")
    chunks = list(g.stream(f"hi {EMAIL} and {SSN}"))
    assert "".join(c.content for c in chunks) == f"cloud: hi {EMAIL} and {SSN}"
    assert EMAIL not in sent_text(cloud)


@pytest.mark.parametrize("chunk_size", [1, 4, 9])
def test_pseudonymize_stream_restores_tool_call_chunks(chunk_size: int) -> None:
    cloud = EchoChatModel(label="cloud", tool_name="send", chunk_size=chunk_size)
    g = SensitivityGate(local=EchoChatModel(), cloud=cloud, mode="pseudonymize")
    final = None
    for chunk in g.stream(f"to {EMAIL}"):
        final = chunk if final is None else final + chunk
    assert final is not None
    assert final.tool_calls[0]["args"] == {"text": f"cloud: to {EMAIL}"}


async def test_async_entry_points_share_the_decision() -> None:
    g, local, cloud = gate("pseudonymize")
    out = await g.ainvoke(f"hi {EMAIL}")
    assert out.content == f"cloud: hi {EMAIL}"
    chunks = [c async for c in g.astream(f"hi {EMAIL}")]
    assert "".join(c.content for c in chunks) == f"cloud: hi {EMAIL}"
    outs = await g.abatch([f"a {EMAIL}", "public question"])
    assert [o.content for o in outs] == [f"cloud: a {EMAIL}", "cloud: public question"]
    assert EMAIL not in sent_text(cloud)


def test_batch_routes_each_input() -> None:
    g, local, cloud = gate()
    outs = g.batch([f"a {EMAIL}", "b", f"ssn {SSN}"])
    assert [o.content.split(":")[0] for o in outs] == ["local", "cloud", "local"]


def test_decision_in_metadata_and_custom_event_without_values() -> None:
    seen: dict[str, Any] = {}

    def spy(x: Any, config: RunnableConfig) -> str:
        seen.update(config.get("metadata", {}))
        return "ok"

    g = SensitivityGate(local=RunnableLambda(spy), cloud=RunnableLambda(spy))
    g.invoke(f"mail {EMAIL}")
    assert seen[SENSITIVITY_KEY] == "confidential"
    decision = seen[DECISIONS_KEY][-1]
    assert decision["component"] == "gate" and decision["target"] == "local"
    assert decision["findings"][0]["entity_type"] == "EMAIL_ADDRESS"
    assert EMAIL not in repr(seen)

    async def events() -> list[Any]:
        return [e async for e in g.astream_events(f"mail {EMAIL}", version="v2")]

    custom = [e for e in asyncio.run(events()) if e["event"] == "on_custom_event"]
    assert custom[0]["name"] == "hybridchain_decision"
    assert custom[0]["data"]["target"] == "local"
    assert EMAIL not in repr(custom)


def test_inherited_level_is_respected() -> None:
    g, local, cloud = gate()
    g.invoke("public text", config={"metadata": {SENSITIVITY_KEY: "confidential"}})
    g.invoke("public text", config={"metadata": {SENSITIVITY_KEY: "garbage"}})
    assert cloud.requests == []
    assert len(local.requests) == 2


def test_detector_failure_fails_closed() -> None:
    class Boom:
        name = "boom"

        def detect(self, text: str) -> list[Finding]:
            raise ValueError(text)

    g, local, cloud = gate("pseudonymize", extra_detectors=[Boom()])
    g.invoke("nothing sensitive here")
    assert cloud.requests == []
    assert g.scan("x").level is Sensitivity.RESTRICTED


def test_markers_keep_pseudonymize_local() -> None:
    g, local, cloud = gate("pseudonymize")
    g.invoke(f"CONFIDENTIAL: forward to {EMAIL}")
    assert cloud.requests == []


def test_policy_can_let_internal_data_stay_local() -> None:
    policy = SensitivityPolicy(target_levels={"local": "restricted", "cloud": "public"})
    g, local, cloud = gate(policy=policy)
    g.invoke("For internal use only: roadmap")
    assert cloud.requests == []


def test_sensitive_request_without_local_target_is_blocked() -> None:
    g = SensitivityGate(cloud=EchoChatModel())
    with pytest.raises(SensitiveDataError):
        g.invoke(f"mail {EMAIL}")


def test_gate_without_targets_refuses_invoke() -> None:
    with pytest.raises(ValueError, match="local"):
        SensitivityGate().invoke("x")


@pytest.mark.parametrize("bad", [42, None, object(), b"raw"])
def test_bad_input_gets_a_type_error_naming_the_type(bad: object) -> None:
    g, _, _ = gate()
    with pytest.raises(TypeError, match=type(bad).__name__):
        g.invoke(bad)


def test_bad_detector_is_rejected_at_construction() -> None:
    with pytest.raises(TypeError, match="int is not a detector"):
        SensitivityGate(extra_detectors=[3])


def test_configurable_mode() -> None:
    local, cloud = models()
    g = SensitivityGate(local=local, cloud=cloud).configurable_fields(
        mode=__import__(
            "langchain_core.runnables", fromlist=["ConfigurableField"]
        ).ConfigurableField(id="mode")
    )
    with pytest.raises(SensitiveDataError):
        g.invoke(f"mail {EMAIL}", config={"configurable": {"mode": "block"}})


def _scan_seconds(text: str) -> float:
    g = SensitivityGate()
    started = time.perf_counter()
    g.scan(text)
    return time.perf_counter() - started


def test_large_prompts_scan_in_linear_time() -> None:
    unit = f"Order 12345 shipped to {EMAIL} on 2024-03-01; call +1 415 555 2671. "
    small = unit * 2_000
    big = unit * 8_000
    _scan_seconds(small)  # warm up
    ratio = _scan_seconds(big) / _scan_seconds(small)
    assert ratio < 12  # 4x the text: linear is ~4, quadratic would be ~16


def test_ten_megabyte_prompt_is_scanned() -> None:
    text = ("lorem ipsum dolor sit amet 1234 " * 330_000)[:10_000_000] + f" {EMAIL}"
    report = SensitivityGate().scan(text)
    assert report.findings[-1].entity_type == "EMAIL_ADDRESS"
