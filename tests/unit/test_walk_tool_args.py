"""Tool-call ``arguments`` JSON strings are read, and rewritten, as the values they encode."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage

from hybridchain import Sensitivity, SensitivityGate
from hybridchain.core.scan import collect_pieces
from hybridchain.core.text.walk import walk_input
from hybridchain.litellm.judge import RequestJudge
from hybridchain.testing import EchoChatModel
from tests.invariant.leak_values import cards, emails, leaked

CARD = "373027079093888"
EMAIL = "ann.lee@example.org"
QUOTED = f'Café "René" <{EMAIL}>'  # JSON escapes around the value: `\u00e9`, `\"`
ESCAPED_TEXT = f"note\n\n{CARD}\n\nend"


def call_message(arguments: str) -> dict[str, Any]:
    call = {"id": "1", "type": "function", "function": {"name": "f", "arguments": arguments}}
    return {"role": "assistant", "content": None, "tool_calls": [call]}


def conversation(arguments: str) -> list[dict[str, Any]]:
    return [
        {"role": "user", "content": "Save my note."},
        call_message(arguments),
        {"role": "tool", "tool_call_id": "1", "content": "saved"},
        {"role": "user", "content": "Thanks, what next?"},
    ]


def argument_pieces(arguments: str) -> list[tuple[str, str]]:
    pieces = collect_pieces([call_message(arguments)])
    return [(p.path, p.text) for p in pieces if ".arguments" in p.path]


def types_found(value: Any) -> set[str]:
    return {f.entity_type for f in SensitivityGate().scan(value).findings}


def test_a_card_between_json_escaped_newlines_is_found() -> None:
    arguments = json.dumps({"text": ESCAPED_TEXT})
    assert f"\\n{CARD}\\n" in arguments  # the raw string glues `n` to the digits
    report = SensitivityGate().scan([call_message(arguments)])
    assert report.level >= Sensitivity.CONFIDENTIAL
    (card,) = [f for f in report.findings if f.entity_type == "CREDIT_CARD"]
    assert (card.message_index, card.path) == (0, "tool_calls[0].function.arguments.text")


def test_escaped_email_in_arguments_is_found_with_ascii_escapes() -> None:
    arguments = json.dumps({"to": [QUOTED]})
    assert "\\u00e9" in arguments and '\\"' in arguments
    report = SensitivityGate().scan([call_message(arguments)])
    (email,) = [f for f in report.findings if f.entity_type == "EMAIL_ADDRESS"]
    assert QUOTED[email.start : email.end] == EMAIL
    assert email.path == "tool_calls[0].function.arguments.to[0]"


def test_legacy_function_call_and_responses_items_are_decoded() -> None:
    arguments = json.dumps({"text": ESCAPED_TEXT})
    legacy = {"role": "assistant", "content": None, "function_call": {"arguments": arguments}}
    item = {"type": "function_call", "call_id": "c1", "name": "f", "arguments": arguments}
    assert "CREDIT_CARD" in types_found([legacy])
    assert "CREDIT_CARD" in types_found({"input": [item]})


def test_keys_and_numbers_of_the_arguments_are_still_read() -> None:
    number = json.dumps({"card": int(CARD)})
    key = json.dumps({EMAIL: "x"})
    assert ("tool_calls[0].function.arguments.card", CARD) in argument_pieces(number)
    assert "CREDIT_CARD" in types_found([call_message(number)])
    found = SensitivityGate().scan([call_message(key)]).findings
    assert [f.entity_type for f in found] == ["EMAIL_ADDRESS"]
    # A key that is not a plain argument name is named by position, not written in the path.
    assert found[0].path == "tool_calls[0].function.arguments[#0]#key"


def test_arguments_that_are_not_json_are_scanned_raw() -> None:
    for arguments in (f"note {CARD} end", '{"text": "' + CARD + '"', '{"a": 1, "a": "' + CARD):
        assert argument_pieces(arguments) == [("tool_calls[0].function.arguments", arguments)]
        assert "CREDIT_CARD" in types_found([call_message(arguments)])


def test_duplicate_keys_are_scanned_raw_so_no_value_is_hidden() -> None:
    arguments = '{"text": "' + CARD + '", "text": "nothing"}'
    assert argument_pieces(arguments) == [("tool_calls[0].function.arguments", arguments)]
    assert "CREDIT_CARD" in types_found([call_message(arguments)])


def test_unchanged_arguments_keep_their_exact_text() -> None:
    arguments = '{"b":1e3,  "a":"caf\\u00e9"}'
    messages = conversation(arguments)
    out = walk_input(messages, lambda t, i, p: t)
    assert out[1]["tool_calls"][0]["function"]["arguments"] is arguments


def test_rewritten_arguments_are_encoded_back_as_json() -> None:
    arguments = '{"n": 1e3, "t": "caf\\u00e9 ann", "l": [2, "ann"]}'
    out = walk_input([call_message(arguments)], lambda t, i, p: t.replace("ann", "<P_1>"))
    new = out[0]["tool_calls"][0]["function"]["arguments"]
    assert new.isascii()  # the original was ASCII: so is the rewrite
    assert json.loads(new) == {"n": 1000.0, "t": "café <P_1>", "l": [2, "<P_1>"]}
    raw = json.dumps({"t": "café ann"}, ensure_ascii=False)
    new = walk_input([call_message(raw)], lambda t, i, p: t.replace("ann", "<P_1>"))
    assert new[0]["tool_calls"][0]["function"]["arguments"] == '{"t": "café <P_1>"}'


def test_pseudonymize_sends_only_placeholders_in_valid_json_arguments() -> None:
    local, cloud = EchoChatModel(label="local"), EchoChatModel(label="cloud")
    gate = SensitivityGate(local=local, cloud=cloud, mode="pseudonymize")
    arguments = json.dumps({"text": ESCAPED_TEXT, "to": QUOTED, "card": int(CARD)})
    gate.invoke(conversation(arguments))
    assert local.requests == []
    (sent,) = cloud.requests
    dumped = json.dumps([m.model_dump() for m in sent], ensure_ascii=False)
    assert leaked([CARD, EMAIL], dumped) == []
    call = sent[1]
    assert isinstance(call, AIMessage) and call.invalid_tool_calls == []
    args = call.tool_calls[0]["args"]  # LangChain parsed the masked JSON arguments
    assert args["text"] == "note\n\n<CREDIT_CARD_1>\n\nend"
    assert args["card"] == "<CREDIT_CARD_1>"
    assert args["to"] == 'Café "René" <<EMAIL_ADDRESS_1>>'


def test_the_litellm_judge_reads_arguments_through_the_core_walker() -> None:
    report = RequestJudge().scan(conversation(json.dumps({"text": ESCAPED_TEXT})))
    assert [f.path for f in report.findings] == ["tool_calls[0].function.arguments.text"]


_JOINERS = st.sampled_from(["\n", "\n\n", "\t", "\r\n", '"', "\\", "\u2028", " é ", "\x00"])


@settings(max_examples=60, deadline=None)
@given(
    value=st.one_of(cards(), emails()),
    before=_JOINERS,
    after=_JOINERS,
    ascii_only=st.booleans(),
    nested=st.booleans(),
)
def test_json_escaped_values_in_arguments_are_found(
    value: str, before: str, after: str, ascii_only: bool, nested: bool
) -> None:
    text = f"see{before}{value}{after}ok"
    payload: Any = {"outer": [{"text": text}]} if nested else {"text": text}
    arguments = json.dumps(payload, ensure_ascii=ascii_only)
    found = types_found(conversation(arguments))
    assert found & {"CREDIT_CARD", "EMAIL_ADDRESS"}, arguments


def test_anthropic_tool_use_input_keys_and_numbers_are_scanned() -> None:
    message = {
        "role": "assistant",
        "content": [
            {"type": "text", "text": "Charging the card."},
            {
                "type": "tool_use",
                "id": "toolu_1",
                "name": "charge",
                "input": {"card": 4111111111111111, "ann@example.com": "notify"},
            },
        ],
    }
    report = SensitivityGate().scan([message])
    assert sorted(f.entity_type for f in report.findings) == ["CREDIT_CARD", "EMAIL_ADDRESS"]
