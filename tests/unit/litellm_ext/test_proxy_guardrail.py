"""The LiteLLM proxy guardrail and its planner, driven through their hooks (no proxy)."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
pytest.importorskip("litellm.proxy.proxy_server")

from fastapi import HTTPException
from litellm.constants import RETURN_RAW_MODEL_NAME_METADATA_KEY
from litellm.types.utils import (
    Delta,
    Message,
    ModelResponse,
    ModelResponseStream,
    StreamingChoices,
)

from hybridchain.core.config import ConfigError, HybridConfig
from hybridchain.core.cost import (
    BudgetExceededError,
    BudgetWarning,
    MemoryLedger,
    RedisLedger,
    SQLiteLedger,
)
from hybridchain.core.detect.email import EmailDetector
from hybridchain.errors import SensitiveDataError
from hybridchain.litellm import (
    DECISION_METADATA_KEY,
    HybridGuardrail,
    ProxyPlanner,
    RequestJudge,
)
from hybridchain.litellm.proxy_plan import open_ledger

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


# ------------------------------------------------------------------------------ budgets


def budget_guardrail(action: str, limit: float = 0.01, **kwargs: Any) -> HybridGuardrail:
    """A guardrail whose block has one daily cloud budget; 'HARD' prompts are complex."""
    config = HybridConfig.model_validate(
        {"budgets": [{"limit_usd": limit, "action": action}], **kwargs.pop("block", {})}
    )
    g = HybridGuardrail(
        guardrail_name="hybridchain",
        event_hook=["pre_call", "post_call"],
        default_on=True,
        config=config,
        **{"local_model": "local-chat", **kwargs},
    )
    g.judge.scorer = FixedScorer()
    return g


async def spend(g: HybridGuardrail, usd: float, route: str = "cloud", call: str = "c1") -> None:
    """Feed the guardrail the success event of one proxied call costing ``usd``."""
    kwargs = {
        "litellm_call_id": call,
        "model": "gpt-4o",
        "response_cost": usd,
        "metadata": {"model_info": {"hybridchain": route}},
    }
    now = time.time()
    await g.async_log_success_event(kwargs, None, now - 1.0, now)


def hard(model: str = "cloud-chat") -> dict[str, Any]:
    return {"model": model, "messages": user(f"{HARD}: explain it"), "metadata": {}}


async def test_a_spent_route_local_budget_reroutes_public_complex_requests() -> None:
    g = budget_guardrail("route_local")
    assert (await pre_call(g, hard()))["model"] == "cloud-chat"
    await spend(g, 5.0, route="local", call="local-call")  # local calls spend no budget
    await spend(g, 0.004)
    await spend(g, 0.004)  # the same call id twice counts once: not yet past 80%
    assert (await pre_call(g, hard()))["model"] == "cloud-chat"
    await spend(g, 0.0045, call="c2")
    with pytest.warns(BudgetWarning, match="past 80%"):
        assert (await pre_call(g, hard()))["model"] == "cloud-chat"
    await spend(g, 0.002, call="c3")
    out = await pre_call(g, hard())
    assert out["model"] == "local-chat"
    decision = out["metadata"][DECISION_METADATA_KEY]
    assert decision["target"] == "local" and "cloud budget exhausted" in decision["reasons"]
    # Sensitive requests still stay local, and requests to a local group pass untouched.
    assert (await pre_call(g, hard() | {"messages": user(f"SSN {SSN}")}))["model"] == "local-chat"


async def test_a_spent_budget_applies_without_complexity_routing() -> None:
    g = budget_guardrail("route_local", complexity_routing=False)
    simple = {"model": "cloud-chat", "messages": user("hi"), "metadata": {}}
    assert (await pre_call(g, simple))["model"] == "cloud-chat"
    await spend(g, 0.02)
    out = await pre_call(g, simple)
    assert out["model"] == "local-chat"
    assert out["metadata"][DECISION_METADATA_KEY]["reasons"] == ["cloud budget exhausted"]


async def test_a_spent_route_local_budget_refuses_what_local_cannot_serve() -> None:
    g = budget_guardrail("route_local")
    await spend(g, 0.02)
    with pytest.raises(HTTPException) as info:
        await pre_call(g, {"model": "cloud-embed", "input": ["hello"]}, "aembedding")
    assert info.value.status_code == 429
    assert "cloud budget of 0.01 USD per day (action route_local)" in str(info.value.detail)


async def test_a_spent_raise_budget_refuses_with_429_naming_the_budget(
    caplog: pytest.LogCaptureFixture,
) -> None:
    g = budget_guardrail("raise")
    await spend(g, 0.02)
    with pytest.raises(HTTPException) as info:
        await pre_call(g, hard())
    assert info.value.status_code == 429
    detail = str(info.value.detail)
    assert "cloud budget of 0.01 USD per day (action raise) is spent" in detail
    assert "explain it" not in detail + caplog.text  # the budget, not the request
    # Simple and sensitive requests never needed the cloud: they still go local.
    assert (await pre_call(g, hard() | {"messages": user("hi")}))["model"] == "local-chat"
    assert (await pre_call(g, hard() | {"messages": user(f"SSN {SSN}")}))["model"] == "local-chat"


async def test_a_spent_warn_budget_lets_requests_through_with_a_logged_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    g = budget_guardrail("warn")
    await spend(g, 0.02)
    with pytest.warns(BudgetWarning, match="exhausted"):
        out = await pre_call(g, hard())
    assert out["model"] == "cloud-chat"
    label = "cloud budget of 0.01 USD per day (action warn)"
    assert out["metadata"][DECISION_METADATA_KEY]["extra"]["budgets_exhausted"] == [label]
    assert any(r.levelname == "WARNING" and label in r.getMessage() for r in caplog.records)


def test_without_budgets_or_ledger_nothing_is_recorded() -> None:
    g = guardrail()
    assert (g.ledger, g.cost_logger, g.budget_guard, g.judge.budget_guard) == (None,) * 4


async def test_proxy_workers_share_spending_through_a_sqlite_ledger(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    one, two = budget_guardrail("route_local", ledger=url), budget_guardrail("raise", ledger=url)
    try:
        assert isinstance(one.ledger, SQLiteLedger)
        await spend(one, 0.02)
        assert (await pre_call(one, hard()))["model"] == "local-chat"
        with pytest.raises(HTTPException, match="429"):
            await pre_call(two, hard())
    finally:
        for g in (one, two):
            assert g.ledger is not None
            g.ledger.close()


def test_ledger_settings_are_read_and_bad_ones_named(tmp_path: Path) -> None:
    assert isinstance(open_ledger("memory"), MemoryLedger)
    assert isinstance(open_ledger("redis://127.0.0.1:6399/0"), RedisLedger)  # connects lazily
    ledger = MemoryLedger()
    assert open_ledger(ledger) is ledger
    for bad in ("sqlite://", "sqlite:///", "postgres://db/x", "ledger.db", ""):
        with pytest.raises(ConfigError, match=f"got {bad!r}"):
            open_ledger(bad)
    with pytest.raises(ConfigError, match=r"got 'mysql://\*\*\*@db/x'") as info:
        open_ledger("mysql://admin:hunter2@db/x")
    assert "hunter2" not in str(info.value)
    with pytest.raises(ConfigError, match="ledger must be"):
        budget_guardrail("raise", ledger="sqlite:/nope.db")


def test_ledger_and_budgets_come_from_the_proxy_config(tmp_path: Path) -> None:
    path = tmp_path / "proxy.yaml"
    path.write_text(
        "hybridchain:\n  budgets:\n    - {limit_usd: 2, period: month, action: raise}\n",
        encoding="utf-8",
    )
    db = tmp_path / "spent.db"
    g = HybridGuardrail(
        guardrail_name="h", event_hook="pre_call", config_path=str(path), ledger=f"sqlite:///{db}"
    )
    assert g.budget_guard is not None and g.judge.budget_guard is g.budget_guard
    assert [b.period for b in g.budget_guard.budgets] == ["month"]
    assert db.exists() and isinstance(g.budget_guard.ledger, SQLiteLedger)
    g.budget_guard.ledger.close()


def test_the_example_configs_commented_budget_and_ledger_work_uncommented(tmp_path: Path) -> None:
    example = Path(__file__).parents[3] / "examples" / "litellm_proxy" / "config.yaml"
    lines = example.read_text(encoding="utf-8").splitlines()
    ledger = next(line.split("#")[1].strip() for line in lines if "# ledger:" in line)
    assert ledger.startswith("ledger: sqlite:///")
    # The commented budget closes the file's `hybridchain:` block: uncommented, it is in it.
    budget = [line.replace("# ", "", 1) for line in lines if line.startswith("  # ")]
    assert budget[0].strip().startswith("budgets:")
    path = tmp_path / "proxy.yaml"
    path.write_text("\n".join([*lines, *budget]), "utf-8")
    db = tmp_path / "ledger.db"
    g = HybridGuardrail(
        guardrail_name="h", event_hook="pre_call", config_path=str(path), ledger=f"sqlite:///{db}"
    )
    assert g.budget_guard is not None
    assert [(b.limit_usd, b.action) for b in g.budget_guard.budgets] == [(20, "route_local")]
    assert db.exists()
    g.budget_guard.ledger.close()


@pytest.mark.parametrize("action", ["route_local", "raise"])
async def test_a_spent_budget_refuses_cloud_deployments_fallbacks_included(action: str) -> None:
    g = budget_guardrail(action)
    meta = {"model_group": "cloud-chat", "model_info": {"hybridchain": "cloud"}}
    to_cloud = {"model": "openai/gpt-4o", "messages": user("hi"), "metadata": meta}
    assert await g.async_pre_call_deployment_hook(to_cloud, None) is to_cloud
    await spend(g, 0.02)
    with pytest.raises(BudgetExceededError, match="budget for cloud exhausted"):
        await g.async_pre_call_deployment_hook(to_cloud, None)
    to_local = to_cloud | {"metadata": {"model_info": {"hybridchain": "local"}}}
    assert await g.async_pre_call_deployment_hook(to_local, None) is to_local


async def test_a_spent_warn_budget_lets_cloud_deployments_through() -> None:
    g = budget_guardrail("warn")
    await spend(g, 0.02)
    to_cloud = {"messages": user("hi"), "metadata": {"model_info": {"hybridchain": "cloud"}}}
    assert await g.async_pre_call_deployment_hook(to_cloud, None) is to_cloud


async def test_restored_tool_call_arguments_stay_valid_json() -> None:
    # A value with line breaks (a private key) put back into JSON arguments stays escaped.
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
    g = guardrail("pseudonymize")
    data = {
        "model": "cloud-chat",
        "messages": user(f"{HARD} store this key:\n{pem}"),
        "metadata": {},
    }
    out = await pre_call(g, data)
    assert pem not in repr(out["messages"])
    placeholder = re.search(r"<SECRET_\d+>", repr(out["messages"]))
    assert placeholder is not None
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "store", "arguments": json.dumps({"key": placeholder.group()})},
    }
    response = ModelResponse(
        choices=[{"index": 0, "message": Message(content=None, tool_calls=[call])}]
    )
    await g.async_post_call_success_hook(out, None, response)
    arguments = response.choices[0].message.tool_calls[0].function.arguments
    assert json.loads(arguments) == {"key": pem}


# ------------------------------------------------------- the model that really answered


async def test_a_rerouted_answer_names_the_local_group() -> None:
    g = guardrail()
    data = await pre_call(g, {"model": "cloud-chat", "messages": user(f"SSN {SSN}")})
    assert data["metadata"][RETURN_RAW_MODEL_NAME_METADATA_KEY] is True  # no proxy restamp
    response = ModelResponse(model="openai/llama3.2", choices=[{"message": Message(content="x")}])
    out = await g.async_post_call_success_hook(data, None, response)
    assert out.model == "local-chat"


async def test_a_rerouted_answer_a_fallback_served_names_that_group() -> None:
    g = guardrail()
    data = await pre_call(g, {"model": "cloud-chat", "messages": user(f"SSN {SSN}")})
    response = ModelResponse(model="llama3.1", choices=[{"message": Message(content="x")}])
    response._hidden_params["additional_headers"] = {"x-litellm-model-group": "local-big"}
    out = await g.async_post_call_success_hook(data, None, response)
    assert out.model == "local-big"


async def test_a_rerouted_stream_names_the_local_group_on_copies() -> None:
    g = guardrail()
    data = await pre_call(g, {"model": "cloud-chat", "messages": user(f"SSN {SSN}")})
    chunks = _chunks("a", "b")
    for chunk in chunks:
        chunk.model = "openai/llama3.2"
    hook = g.async_post_call_streaming_iterator_hook(None, _aiter(chunks), data)
    out = [c async for c in hook]
    assert [c.model for c in out] == ["local-chat", "local-chat"]
    assert [c.choices[0].delta.content for c in out] == ["a", "b"]
    assert [c.model for c in chunks] == ["openai/llama3.2"] * 2  # LiteLLM prices these


async def test_answers_not_rerouted_keep_their_name() -> None:
    g = guardrail()
    data = await pre_call(g, {"model": "cloud-chat", "messages": user(f"{HARD} question")})
    assert data["model"] == "cloud-chat"
    assert RETURN_RAW_MODEL_NAME_METADATA_KEY not in data.get("metadata", {})
    response = ModelResponse(model="gpt-4o", choices=[{"message": Message(content="x")}])
    assert (await g.async_post_call_success_hook(data, None, response)).model == "gpt-4o"
    chunks = _chunks("a")
    chunks[0].model = "gpt-4o"
    hook = g.async_post_call_streaming_iterator_hook(None, _aiter(chunks), data)
    assert [c.model async for c in hook] == ["gpt-4o"]


def test_the_blocks_fallback_setting_is_named_as_not_the_proxys(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def build(block: dict[str, Any]) -> None:
        HybridGuardrail(
            guardrail_name="hybridchain",
            event_hook=["pre_call", "post_call"],
            config=HybridConfig.model_validate(block),
            local_model="local-chat",
        )

    build({})
    assert "router_settings.fallbacks" not in caplog.text
    build({"fallback": False})
    assert "router_settings.fallbacks" in caplog.text
