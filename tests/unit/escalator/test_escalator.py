"""ConfidenceEscalator as a Runnable: escalation, cascades, sensitivity, records, errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from escalator_fakes import CONFIDENT, UNSURE, FakeChat, lp
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.runnables import RunnableLambda

from hybridchain.core.confidence import LocalModelUnavailableError
from hybridchain.core.decision import DECISIONS_KEY, SENSITIVITY_KEY
from hybridchain.errors import SensitiveDataError
from hybridchain.langchain.escalator import (
    ASSESSMENT_KEY,
    LOW_CONFIDENCE_KEY,
    ConfidenceEscalator,
    with_logprobs,
)

SSN = "536-22-8510"


class Events(BaseCallbackHandler):
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def on_custom_event(self, name: str, data: Any, **kwargs: Any) -> None:
        if name == "hybridchain_decision":
            self.records.append(data)


def pair(local: FakeChat, **kw: Any) -> tuple[ConfidenceEscalator, FakeChat]:
    cloud = FakeChat(reply="cloud answer")
    return ConfidenceEscalator(local=local, cloud=cloud, **kw), cloud


def test_high_confidence_stays_local_and_logprobs_are_requested() -> None:
    local = FakeChat(reply="Paris", payload=CONFIDENT)
    esc, cloud = pair(local)
    assert esc.invoke("Capital of France?").content == "Paris"
    assert cloud.requests == []
    assert local.kwargs_seen[0] == {"logprobs": True, "top_logprobs": 5}


def test_low_confidence_escalates_to_cloud() -> None:
    esc, cloud = pair(FakeChat(reply="Lyon", payload=UNSURE))
    out = esc.invoke("Capital of France?")
    assert out.content == "cloud answer"
    assert len(cloud.requests) == 1
    assert "logprobs" not in cloud.kwargs_seen[0]  # the final cloud tier is not assessed


def test_hedging_escalates_without_logprobs() -> None:
    esc, cloud = pair(FakeChat(reply="I think it is maybe Lyon"))
    assert esc.invoke("Capital of France?").content == "cloud answer"


def test_request_logprobs_off_and_unsupported_models() -> None:
    local = FakeChat(reply="Paris", payload=CONFIDENT)
    esc, _ = pair(local, request_logprobs=False)
    esc.invoke("hi")
    assert local.kwargs_seen[0] == {}
    lam = RunnableLambda(lambda x: AIMessage("x"))
    assert with_logprobs(lam, 3) is lam
    assert with_logprobs(FakeChat(logprobs=False), 3).__class__ is FakeChat


def test_cascade_across_three_tiers() -> None:
    small = FakeChat(reply="Lyon", payload=UNSURE)
    large = FakeChat(reply="Paris", payload=CONFIDENT)
    cloud = FakeChat(reply="cloud answer")
    esc = ConfidenceEscalator(tiers=[small, large, cloud])
    assert esc.invoke("Capital?").content == "Paris"
    assert len(small.requests) == len(large.requests) == 1 and cloud.requests == []
    large.payload = UNSURE
    assert esc.invoke("Capital?").content == "cloud answer"
    assert len(cloud.requests) == 1


def test_cloud_tiers_flag() -> None:
    small = FakeChat(reply="Lyon", payload=UNSURE)
    big_cloud = FakeChat(reply="Paris", payload=CONFIDENT)
    bigger_cloud = FakeChat(reply="cloud")
    esc = ConfidenceEscalator(tiers=[small, big_cloud, bigger_cloud], cloud_tiers=frozenset({1, 2}))
    out = esc.invoke(f"my SSN is {SSN}")
    assert out.response_metadata[LOW_CONFIDENCE_KEY] is True
    assert big_cloud.requests == [] and bigger_cloud.requests == []
    with pytest.raises(ValueError, match="cloud_tiers"):
        ConfidenceEscalator(tiers=[small], cloud_tiers=frozenset({3}))


@pytest.mark.parametrize("on_sensitive", ["local_tiers_only", "return_low_confidence"])
@pytest.mark.parametrize("prompt", [f"My SSN is {SSN}, what now?", "mail ann@example.com please"])
def test_confidential_input_never_reaches_cloud(on_sensitive: str, prompt: str) -> None:
    esc, cloud = pair(FakeChat(reply="Lyon", payload=UNSURE), on_sensitive=on_sensitive)
    out = esc.invoke(prompt)
    assert cloud.requests == []
    assert out.content == "Lyon"
    assert out.response_metadata[LOW_CONFIDENCE_KEY] is True
    assert out.response_metadata[ASSESSMENT_KEY]["confidence"] < 0.5


def test_level_from_metadata_is_obeyed() -> None:
    esc, cloud = pair(FakeChat(reply="Lyon", payload=UNSURE))
    out = esc.invoke("harmless text", config={"metadata": {SENSITIVITY_KEY: "confidential"}})
    assert cloud.requests == [] and out.response_metadata[LOW_CONFIDENCE_KEY]
    # A recorded level is trusted: an outer gate already scanned (and may have masked) the input.
    out = esc.invoke("harmless text", config={"metadata": {SENSITIVITY_KEY: "public"}})
    assert out.content == "cloud answer"


def test_sensitive_cascade_modes() -> None:
    def build(mode: str) -> tuple[ConfidenceEscalator, FakeChat, FakeChat, FakeChat]:
        small = FakeChat(reply="Lyon", payload=UNSURE)
        large = FakeChat(reply="Paris", payload=CONFIDENT)
        cloud = FakeChat(reply="cloud")
        return (
            ConfidenceEscalator(tiers=[small, large, cloud], on_sensitive=mode),
            small,
            large,
            cloud,
        )

    esc, small, large, cloud = build("local_tiers_only")
    assert esc.invoke(f"SSN {SSN}").content == "Paris"
    assert cloud.requests == []
    esc, small, large, cloud = build("return_low_confidence")
    out = esc.invoke(f"SSN {SSN}")
    assert out.content == "Lyon" and out.response_metadata[LOW_CONFIDENCE_KEY]
    assert large.requests == [] and cloud.requests == []


def test_failing_local_tier_escalates_or_raises_when_sensitive() -> None:
    esc, cloud = pair(FakeChat(fail=True))
    assert esc.invoke("Capital?").content == "cloud answer"
    esc, cloud = pair(FakeChat(fail=True))
    with pytest.raises(LocalModelUnavailableError) as info:
        esc.invoke(f"my SSN is {SSN}")
    assert cloud.requests == []
    assert SSN not in str(info.value) and "10.0.0.1" not in str(info.value)
    assert info.value.failed == ("ConnectionError",)


def test_failing_second_local_tier_falls_back_to_first_answer() -> None:
    small = FakeChat(reply="Lyon", payload=UNSURE)
    esc = ConfidenceEscalator(tiers=[small, FakeChat(fail=True), FakeChat(reply="cloud")])
    out = esc.invoke(f"SSN {SSN}")
    assert out.content == "Lyon" and out.response_metadata[LOW_CONFIDENCE_KEY]


def test_failing_first_tier_hands_over_to_next_local_tier() -> None:
    large = FakeChat(reply="Paris", payload=CONFIDENT)
    cloud = FakeChat(reply="cloud")
    esc = ConfidenceEscalator(
        tiers=[FakeChat(fail=True), large, cloud], on_sensitive="return_low_confidence"
    )
    assert esc.invoke(f"SSN {SSN}").content == "Paris"
    assert cloud.requests == []


def test_sensitive_data_error_from_a_tier_is_not_escalated() -> None:
    def block(_: Any) -> Any:
        raise SensitiveDataError(__import__("hybridchain").Sensitivity.CONFIDENTIAL)

    cloud = FakeChat(reply="cloud")
    esc = ConfidenceEscalator(local=RunnableLambda(block), cloud=cloud)
    with pytest.raises(SensitiveDataError):
        esc.invoke("harmless")
    assert cloud.requests == []


def test_only_cloud_tier_and_sensitive_input_is_blocked() -> None:
    cloud = FakeChat(reply="cloud")
    with pytest.raises(SensitiveDataError):
        ConfidenceEscalator(cloud=cloud).invoke(f"SSN {SSN}")
    assert cloud.requests == []


def test_decision_records_events_and_child_metadata() -> None:
    seen: list[dict[str, Any]] = []

    def spy(x: Any, config: Any) -> AIMessage:
        seen.append(dict(config["metadata"]))
        return AIMessage("cloud")

    events = Events()
    esc = ConfidenceEscalator(
        local=FakeChat(reply="I think", payload=UNSURE), cloud=RunnableLambda(spy)
    )
    esc.invoke("Capital of France?", config={"callbacks": [events]})
    assert [r["extra"]["tier_tried"] for r in events.records] == [0, 1]
    first, last = events.records
    assert first["component"] == "escalator" and first["target"] == "local"
    assert first["extra"]["escalated"] is True and first["confidence"] < 0.5
    assert {"min_prob", "mean_prob", "hedging"} <= set(first["extra"]["signals"])
    assert last["target"] == "cloud" and last["confidence"] is None
    assert [d["extra"]["tier_tried"] for d in seen[0][DECISIONS_KEY]] == [0, 1]
    assert seen[0][SENSITIVITY_KEY] == "public"


def test_records_carry_no_raw_values() -> None:
    events = Events()
    esc, _ = pair(FakeChat(reply=f"your SSN {SSN} maybe", payload=UNSURE))
    esc.invoke(f"my SSN is {SSN}, mail ann@example.com", config={"callbacks": [events]})
    dumped = json.dumps(events.records)
    assert SSN not in dumped and "ann@example.com" not in dumped
    assert {f["entity_type"] for f in events.records[0]["findings"]} == {"US_SSN", "EMAIL_ADDRESS"}
    assert events.records[0]["extra"]["low_confidence"] is True


def test_validator_self_consistency_and_verifier() -> None:
    esc, cloud = pair(FakeChat(reply="not json"), validator=lambda t: t.startswith("{"))
    assert esc.invoke("give json").content == "cloud answer"

    local = FakeChat(reply="Paris", replies=["Paris"], temperature=0.0)
    esc, cloud = pair(local, self_consistency=2)
    local.replies = ["Paris", "Lyon", "Rome"]
    assert esc.invoke("Capital?").content == "cloud answer"  # samples disagree
    assert any(k.get("temperature") == 0.8 for k in local.kwargs_seen)

    verifier = FakeChat(reply="No", payload=lp(0.9, top=[[("No", 0.9), ("Yes", 0.05)]]))
    esc, cloud = pair(FakeChat(reply="Paris"), verifier=verifier)
    assert esc.invoke("Capital?").content == "cloud answer"
    assert verifier.requests[0][-1].content.startswith("Is the answer above correct?")
    assert verifier.requests[0][-2].content == "Paris"
    a = esc.assess("Capital?", AIMessage("Paris"))
    assert a.signals["p_true"] == pytest.approx(0.05 / 0.95)


def test_reframed_answers_that_disagree_lower_confidence() -> None:
    templates = ("Question: {question}\nAnswer:", "{question}\nAnswer in a few words.")
    local = FakeChat(reply="Paris", temperature=0.7)
    esc, cloud = pair(local, reframings=templates)
    local.replies = ["Paris", "Paris", "Paris"]  # the answer, then one per framing
    messages = [("system", "Be brief."), ("human", "Capital of France?")]
    assert esc.invoke(messages).content == "Paris"
    assert cloud.requests == []
    asked = [r[-1].content for r in local.requests[1:]]
    assert asked == [
        "Question: Capital of France?\nAnswer:",
        "Capital of France?\nAnswer in a few words.",
    ]
    assert all(r[0].content == "Be brief." for r in local.requests[1:])  # the rest is kept
    assert [k.get("temperature") for k in local.kwargs_seen[1:]] == [0.0, 0.0]  # greedy

    local = FakeChat(reply="Paris")
    esc, cloud = pair(local, reframings=templates)
    local.replies = ["Paris", "Lyon", "Marseille"]
    assert esc.invoke("Capital of France?").content == "cloud answer"
    a = esc.assess("Capital of France?", AIMessage("Paris"))
    assert "consistency" in a.signals


def test_verifier_true_uses_first_tier_and_cloud_verifier_skips_sensitive() -> None:
    local = FakeChat(reply="Yes", payload=lp(0.9, top=[[("Yes", 0.9), ("No", 0.05)]]))
    esc, _ = pair(local, verifier=True)
    assert esc.assess("Is 2 prime?", AIMessage("Yes")).signals["p_true"] > 0.9
    cloud_verifier = FakeChat(reply="Yes")
    esc, _ = pair(FakeChat(reply="x"), verifier=cloud_verifier, verifier_cloud=True)
    assert "p_true" not in esc.assess(f"SSN {SSN}", AIMessage("ok")).signals
    assert cloud_verifier.requests == []


def test_assess_contract() -> None:
    esc, _ = pair(FakeChat())
    msg = AIMessage("Paris", response_metadata={"logprobs": CONFIDENT})
    a = esc.assess("Capital?", msg)
    assert 0.0 <= a.confidence <= 1.0 and a.confidence > 0.9
    assert esc.assess("Capital?", "").confidence < 0.01


def test_an_answer_repeating_the_question_escalates_even_when_sure() -> None:
    fairly_sure = lp(0.7, top=[[("t0", 0.7), ("x", 0.05)]])
    esc, cloud = pair(FakeChat(reply="Paris", payload=fairly_sure))
    assert esc.invoke("What is the capital of France?").content == "Paris"
    esc, cloud = pair(FakeChat(reply="France", payload=fairly_sure))
    assert esc.invoke("What is the capital of France?").content == "cloud answer"
    assert len(cloud.requests) == 1
    msg = AIMessage("France", response_metadata={"logprobs": CONFIDENT})
    messages = [("system", "Answer briefly."), ("human", "What is the capital of France?")]
    assert esc.assess(messages, msg).signals["echo"] == 1.0
    assert esc.assess("Name a country in Europe.", msg).signals["echo"] == 0.0


def test_batch_uses_the_same_decision() -> None:
    esc, cloud = pair(FakeChat(reply="Paris", payload=CONFIDENT))
    outs = esc.batch(["a", f"SSN {SSN}"])
    assert [o.content for o in outs] == ["Paris", "Paris"]
    assert cloud.requests == []


# -- streaming ----------------------------------------------------------------------------


def test_stream_accepted_first_tier_is_replayed_after_assessment() -> None:
    local = FakeChat(reply="Paris is it", payload=CONFIDENT, chunk_size=4)
    esc, cloud = pair(local)
    chunks = list(esc.stream("Capital?"))
    # The model's own chunks, unchanged (LangChain ends a model's stream with an empty chunk).
    assert [c.content for c in chunks] == ["Pari", "s is", " it", ""]
    assert chunks[0].response_metadata["logprobs"] == CONFIDENT
    assert cloud.requests == []


def test_stream_escalated_final_tier_streams_in_chunks() -> None:
    local = FakeChat(reply="Lyon maybe", payload=UNSURE)
    cloud = FakeChat(reply="The answer is Paris.", chunk_size=5)
    esc = ConfidenceEscalator(local=local, cloud=cloud)
    chunks = list(esc.stream("Capital?"))
    assert [c.content for c in chunks] == ["The a", "nswer", " is P", "aris.", ""]
    assert all(isinstance(c, AIMessageChunk) for c in chunks)


def test_stream_buffers_first_tier_until_assessed() -> None:
    order: list[str] = []
    local = FakeChat(reply="Lyon maybe", payload=UNSURE)
    cloud = FakeChat(reply="Paris", chunk_size=1)
    esc = ConfidenceEscalator(local=local, cloud=cloud)
    for chunk in esc.stream("Capital?"):
        order.append(f"{local.emitted}/{cloud.emitted}:{chunk.content}")
    # The local tier streamed all its chunks before anything was yielded, and none of them
    # was; the cloud tier's chunks come out one by one as it generates them.
    assert order == ["4/1:P", "4/2:a", "4/3:r", "4/4:i", "4/5:s", "4/5:"]


def test_stream_sensitive_low_answer_ends_with_marker_chunk() -> None:
    esc, cloud = pair(FakeChat(reply="Lyon maybe", payload=UNSURE, chunk_size=4))
    chunks = list(esc.stream(f"SSN {SSN}"))
    assert cloud.requests == []
    # The final (local) tier streams through; one extra empty chunk carries the marker.
    assert [c.content for c in chunks] == ["Lyon", " may", "be", "", ""]
    assert chunks[-1].response_metadata[LOW_CONFIDENCE_KEY] is True
    total = chunks[0]
    for c in chunks[1:]:
        total = total + c
    assert total.response_metadata[LOW_CONFIDENCE_KEY] is True


def test_stream_failing_local_tier_raises_when_sensitive() -> None:
    esc, cloud = pair(FakeChat(fail=True))
    with pytest.raises(LocalModelUnavailableError):
        list(esc.stream(f"SSN {SSN}"))
    assert cloud.requests == []
    esc, cloud = pair(FakeChat(fail=True))
    assert "".join(str(c.content) for c in esc.stream("Capital?")) == "cloud answer"


# -- async --------------------------------------------------------------------------------


async def test_async_paths_share_the_decision() -> None:
    esc, cloud = pair(FakeChat(reply="Paris", payload=CONFIDENT))
    assert (await esc.ainvoke("Capital?")).content == "Paris"
    esc, cloud = pair(FakeChat(reply="Lyon", payload=UNSURE))
    assert (await esc.ainvoke("Capital?")).content == "cloud answer"
    out = await esc.ainvoke(f"SSN {SSN}")
    assert out.response_metadata[LOW_CONFIDENCE_KEY] and len(cloud.requests) == 1
    chunks = [c async for c in esc.astream("Capital?")]
    assert "".join(str(c.content) for c in chunks) == "cloud answer" and len(chunks) > 1
    outs = await esc.abatch(["a", f"SSN {SSN}"])
    assert [o.content for o in outs] == ["cloud answer", "Lyon"]


async def test_async_failure_and_assess() -> None:
    esc, cloud = pair(FakeChat(fail=True))
    with pytest.raises(LocalModelUnavailableError):
        await esc.ainvoke(f"SSN {SSN}")
    with pytest.raises(LocalModelUnavailableError):
        [c async for c in esc.astream(f"SSN {SSN}")]
    assert cloud.requests == []
    local = FakeChat(reply="Paris", replies=["Paris", "Paris"])
    esc, _ = pair(local, self_consistency=2)
    a = await esc.aassess("Capital?", AIMessage("Paris"))
    assert a.signals["consistency"] == 1.0


def test_chat_openai_gets_logprobs_bound() -> None:
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")  # type: ignore[arg-type]
    bound = with_logprobs(model.bind(stop=["\n"]), 3)
    assert bound.kwargs == {"stop": ["\n"], "logprobs": True, "top_logprobs": 3}  # type: ignore[attr-defined]
