"""The LiteLLM proxy guardrail and its planner, driven through their hooks (no proxy)."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
pytest.importorskip("litellm.proxy.proxy_server")

from fastapi import HTTPException
from litellm.types.utils import (
    Delta,
    Message,
    ModelResponse,
    ModelResponseStream,
    StreamingChoices,
)

from hybridchain.core.config import ConfigError, HybridConfig
from hybridchain.core.detect.email import EmailDetector
from hybridchain.errors import SensitiveDataError
from hybridchain.litellm import (
    DECISION_METADATA_KEY,
    HybridGuardrail,
    ProxyPlanner,
    RequestJudge,
)

pytestmark = pytest.mark.filterwarnings("ignore:Items? .*ReadOnly:UserWarning")

SSN = "536-22-8471"
EMAIL = "ann.lee@example.com"
HARD = "HARD"


class FixedScorer:
    """Scores prompts containing 'HARD' as complex."""

    def score(self, text_or_messages: Any) -> float:
        return 0.9 if HARD in str(text_or_messages) else 0.1


class BrokenDetector:
    """A detector that always fails."""

    name = "broken"

    def detect(self, text: str) -> list[Any]:
        raise RuntimeError(f"cannot read {text}")


def planner(mode: str = "route", **kwargs: Any) -> ProxyPlanner:
    judge = RequestJudge(scorer=FixedScorer(), detectors=kwargs.pop("detectors", None))
    return ProxyPlanner(judge, mode=mode, **{"local_model": "local-chat", **kwargs})  # type: ignore[arg-type]


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


# ---------------------------------------------------------------------------- planner


@pytest.mark.parametrize(
    "messages",
    [
        user(f"{HARD}: my SSN is {SSN}"),
        [{"role": "system", "content": f"Client SSN {SSN}"}, *user(HARD)],
        [*user(f"SSN {SSN}"), {"role": "assistant", "content": "ok"}, *user(HARD)],
    ],
    ids=["last", "system", "earlier"],
)
def test_route_mode_reroutes_sensitive_requests_wherever_the_value_is(messages: Any) -> None:
    plan = planner().plan("cloud-chat", messages, requested="cloud")
    assert (plan.action, plan.model, plan.decision.target) == ("reroute", "local-chat", "local")
    assert plan.messages is messages
    assert SSN not in repr(plan.decision.to_dict())


@pytest.mark.parametrize(
    ("text", "action", "model"),
    [(HARD, "pass", "cloud-chat"), ("hi", "reroute", "local-chat")],
)
def test_public_requests_follow_complexity(text: str, action: str, model: str) -> None:
    plan = planner().plan("cloud-chat", user(text), requested="cloud")
    assert (plan.action, plan.model) == (action, model)
    assert plan.decision.complexity is not None


def test_complexity_routing_off_sends_public_requests_where_asked() -> None:
    plan = planner(complexity_routing=False).plan("cloud-chat", user("hi"), requested="cloud")
    assert (plan.action, plan.model) == ("pass", "cloud-chat")


def test_requests_to_a_local_group_pass_untouched() -> None:
    messages = user(f"SSN {SSN}")
    plan = planner().plan("local-chat", messages, requested="local")
    assert (plan.action, plan.model, plan.messages) == ("pass", "local-chat", messages)


def test_without_a_local_model_sensitive_requests_are_blocked() -> None:
    plan = planner(local_model=None).plan("cloud-chat", user(f"SSN {SSN}"), requested="cloud")
    assert plan.action == "block"
    assert isinstance(plan.error, SensitiveDataError)
    assert "US_SSN" in str(plan.error) and SSN not in str(plan.error)


def test_block_mode_blocks_even_with_a_local_model() -> None:
    plan = planner("block").plan("cloud-chat", user(f"SSN {SSN}"), requested="cloud")
    assert plan.action == "block"
    assert planner("block").plan("cloud-chat", user(HARD), requested="cloud").error is None


def test_pseudonymize_masks_every_message_with_stable_placeholders() -> None:
    messages = [
        {"role": "system", "content": f"Account {EMAIL}"},
        *user(f"{HARD}: write to {EMAIL} about SSN {SSN}"),
    ]
    plan = planner("pseudonymize").plan("cloud-chat", messages, requested="cloud")
    assert (plan.action, plan.model, plan.decision.target) == (
        "pseudonymize",
        "cloud-chat",
        "cloud",
    )
    assert plan.messages[0]["content"] == "Account <EMAIL_ADDRESS_1>"
    assert plan.messages[1]["content"] == f"{HARD}: write to <EMAIL_ADDRESS_1> about SSN <US_SSN_1>"
    assert messages[1]["content"].endswith(SSN)  # the caller's messages are not modified
    assert plan.pseudonymizer is not None
    assert plan.pseudonymizer.restore(plan.messages[1]["content"]) == messages[1]["content"]
    assert "pseudonymizer" not in repr(plan)


def tool_call_chat(text: str) -> list[dict[str, Any]]:
    arguments = json.dumps({"query": text})  # JSON-escaped: "a\\n4111..." in the raw string
    call = {"id": "c1", "type": "function", "function": {"name": "find", "arguments": arguments}}
    return [
        {"role": "assistant", "content": "", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": "no match"},
        *user(HARD),
    ]


def test_values_inside_json_tool_arguments_are_found() -> None:
    card = "373027079093888"
    messages = tool_call_chat(f"details below\n\n{card}\n\n-- sent from my phone")
    plan = planner().plan("cloud-chat", messages, requested="cloud")
    assert plan.action == "reroute"
    masked = planner("pseudonymize").plan("cloud-chat", messages, requested="cloud")
    assert masked.action == "pseudonymize"
    arguments = masked.messages[0]["tool_calls"][0]["function"]["arguments"]
    assert json.loads(arguments)["query"].split("\n\n")[1] == "<CREDIT_CARD_1>"
    assert card not in json.dumps(masked.messages)


def test_pseudonymize_keeps_markers_local() -> None:
    plan = planner("pseudonymize").plan(
        "cloud-chat", user(f"CONFIDENTIAL memo for {EMAIL}"), requested="cloud"
    )
    assert (plan.action, plan.model) == ("reroute", "local-chat")


def test_pseudonymize_does_not_mask_embedding_input() -> None:
    plan = planner("pseudonymize").plan("cloud-chat", None, [f"SSN {SSN}"], requested="cloud")
    assert plan.action == "reroute"


def test_a_failing_detector_fails_closed() -> None:
    detectors = [EmailDetector(), BrokenDetector()]
    for mode in ("route", "pseudonymize"):
        plan = planner(mode, detectors=detectors).plan("cloud-chat", user(HARD), requested="cloud")
        assert (plan.action, plan.model) == ("reroute", "local-chat")
        assert plan.decision.extra["detector_errors"] == ["broken"]


def test_bad_mode_is_named() -> None:
    with pytest.raises(ValueError, match="'shred'"):
        ProxyPlanner(RequestJudge(), mode="shred")  # type: ignore[arg-type]


# -------------------------------------------------------------------------- guardrail


def guardrail(mode: str = "route", **kwargs: Any) -> HybridGuardrail:
    config = HybridConfig.model_validate({"gate": {"mode": mode}})
    return HybridGuardrail(
        guardrail_name="hybridchain",
        event_hook=["pre_call", "post_call"],
        default_on=True,
        config=config,
        **{"local_model": "local-chat", **kwargs},
    )


async def pre_call(
    g: HybridGuardrail, data: dict[str, Any], call_type: str = "acompletion"
) -> dict[str, Any]:
    return await g.async_pre_call_hook(None, None, data, call_type)


async def test_pre_call_reroutes_and_records_the_decision() -> None:
    data = {"model": "cloud-chat", "messages": user(f"SSN {SSN}"), "metadata": {}}
    out = await pre_call(guardrail(), data)
    assert out["model"] == "local-chat"
    decision = out["metadata"][DECISION_METADATA_KEY]
    assert decision["target"] == "local"
    assert decision["findings"][0]["entity_type"] == "US_SSN"
    assert SSN not in repr(out["metadata"])


async def test_sensitive_embeddings_are_blocked_public_ones_pass() -> None:
    g = guardrail()
    with pytest.raises(HTTPException) as info:
        await pre_call(g, {"model": "cloud-embed", "input": [f"SSN {SSN}"]}, "aembedding")
    assert info.value.status_code == 400 and SSN not in str(info.value.detail)
    out = await pre_call(g, {"model": "cloud-embed", "input": ["hello"]}, "aembedding")
    assert out["model"] == "cloud-embed"


async def test_pre_call_blocks_with_400_naming_types_only() -> None:
    data = {"model": "cloud-chat", "messages": user(f"SSN {SSN}")}
    with pytest.raises(HTTPException) as info:
        await pre_call(guardrail("block"), data)
    assert info.value.status_code == 400
    assert "US_SSN" in str(info.value.detail) and SSN not in str(info.value.detail)


async def test_pseudonymized_answer_is_restored_once() -> None:
    g = guardrail("pseudonymize")
    data = {"model": "cloud-chat", "messages": user(f"{HARD} mail {EMAIL}"), "metadata": {}}
    out = await pre_call(g, data)
    assert EMAIL not in repr(out["messages"]) and EMAIL not in repr(out["metadata"])
    response = ModelResponse(
        choices=[{"index": 0, "message": Message(content="Sent to <EMAIL_ADDRESS_1>.")}]
    )
    await g.async_post_call_success_hook(out, None, response)
    assert response.choices[0].message.content == f"Sent to {EMAIL}."
    again = ModelResponse(choices=[{"index": 0, "message": Message(content="<EMAIL_ADDRESS_1>")}])
    await g.async_post_call_success_hook(out, None, again)  # the mapping is gone
    assert again.choices[0].message.content == "<EMAIL_ADDRESS_1>"


def _chunks(*texts: str | None, finish: bool = True) -> list[ModelResponseStream]:
    out = [
        ModelResponseStream(choices=[StreamingChoices(index=0, delta=Delta(content=t))])
        for t in texts
    ]
    if finish:
        out[-1].choices[0].finish_reason = "stop"
    return out


async def _aiter(items: list[Any]) -> AsyncIterator[Any]:
    for item in items:
        yield item


async def _streamed(g: HybridGuardrail, data: dict[str, Any], chunks: list[Any]) -> str:
    hook = g.async_post_call_streaming_iterator_hook(None, _aiter(chunks), data)
    return "".join([c.choices[0].delta.content or "" async for c in hook if c.choices])


@pytest.mark.parametrize("finish", [True, False])
async def test_streamed_answer_is_restored_across_split_placeholders(finish: bool) -> None:
    g = guardrail("pseudonymize")
    data = await pre_call(
        g, {"model": "cloud-chat", "messages": user(f"{HARD} mail {EMAIL}"), "metadata": {}}
    )
    chunks = _chunks("To <EMAIL_", "ADDRESS_1> and <EMAIL", finish=finish)
    text = await _streamed(g, data, chunks)
    assert text == f"To {EMAIL} and <EMAIL"


async def test_streams_of_unmasked_requests_pass_through() -> None:
    g = guardrail("pseudonymize")
    chunks = _chunks("a <EMAIL_ADDRESS_1>")
    assert await _streamed(g, {"metadata": {}}, chunks) == "a <EMAIL_ADDRESS_1>"


async def test_deployment_hooks_stop_cloud_calls_with_sensitive_data() -> None:
    g = guardrail()
    secret = user(f"SSN {SSN}")
    local = {"model_name": "x", "litellm_params": {}, "model_info": {"hybridchain": "local"}}
    cloud = {"model_name": "x", "litellm_params": {}, "model_info": {"hybridchain": "cloud"}}
    assert await g.async_filter_deployments("x", [local, cloud], secret) == [local]
    to_cloud = {"messages": secret, "metadata": {"model_info": {"hybridchain": "cloud"}}}
    with pytest.raises(SensitiveDataError):
        await g.async_pre_call_deployment_hook(to_cloud, None)
    public = {"messages": user(HARD), "metadata": {"model_info": {"hybridchain": "cloud"}}}
    assert await g.async_pre_call_deployment_hook(public, None) is public


async def test_a_masked_request_passes_the_deployment_check() -> None:
    """Placeholders in context ('address: <LOCATION_1>') are not values."""
    g = guardrail("pseudonymize")
    sql = "INSERT INTO t (full_name, address) VALUES ('{}', '{}');"
    real = sql.format("Anthony Mcguire", "546 Smith Crescent Apt. 620, Donaldton, TN 32254")
    data = await pre_call(g, {"model": "cloud-chat", "messages": user(real), "metadata": {}})
    assert data["messages"] == user(sql.format("<PERSON_1>", "<LOCATION_1>"))
    to_cloud = {"messages": data["messages"], "metadata": {"model_info": {"hybridchain": "cloud"}}}
    assert await g.async_pre_call_deployment_hook(to_cloud, None) is to_cloud


def test_pseudonymize_without_post_call_is_refused() -> None:
    with pytest.raises(ValueError, match="post_call"):
        HybridGuardrail(
            guardrail_name="hybridchain",
            event_hook="pre_call",
            config=HybridConfig.model_validate({"gate": {"mode": "pseudonymize"}}),
        )


def test_settings_come_from_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "proxy.yaml"
    path.write_text(
        "model_list: []\nhybridchain:\n  gate: {mode: block}\n"
        "  targets: {local: {model: on-prem}}\n",
        encoding="utf-8",
    )
    g = HybridGuardrail(guardrail_name="h", event_hook="pre_call", config_path=str(path))
    assert (g.planner.mode, g.planner.local_model) == ("block", "on-prem")
    path.write_text("hybridchain:\n  gate: {mode: shred}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hybridchain\.gate\.mode"):
        HybridGuardrail(guardrail_name="h", event_hook="pre_call", config_path=str(path))
