import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.prompt_values import ChatPromptValue, StringPromptValue

from hybridchain.core.scan import collect_pieces
from hybridchain.core.text.walk import walk_input
from hybridchain.langchain.messages import walk_lc_input


def texts(value: object, lc: bool = True) -> list[tuple[int | None, str, str]]:
    walk = walk_lc_input if lc else walk_input
    return [(p.message_index, p.path, p.text) for p in collect_pieces(value, walk)]


def test_plain_string() -> None:
    assert texts("hello", lc=False) == [(None, "", "hello")]


def test_openai_style_messages_with_tool_calls_and_parts() -> None:
    messages = [
        {"role": "system", "content": "sys"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "part"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "1",
                    "type": "function",
                    "function": {"name": "f", "arguments": '{"a": "x"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "1", "content": "result"},
    ]
    found = texts(messages, lc=False)
    assert (0, "content", "sys") in found
    assert (1, "content[0].text", "part") in found
    assert (2, "tool_calls[0].function.arguments.a", "x") in found
    assert (3, "content", "result") in found
    assert all("base64" not in t for _, _, t in found)


def test_langchain_messages_of_every_role() -> None:
    messages = [
        SystemMessage("sys"),
        HumanMessage(content=[{"type": "text", "text": "multi"}]),
        AIMessage("", tool_calls=[{"name": "send", "args": {"to": "ann", "n": 2}, "id": "c1"}]),
        ToolMessage("tool out", tool_call_id="c1"),
        ("human", "tuple form"),
        {"role": "user", "content": "dict form"},
    ]
    found = texts(messages)
    assert (0, "content", "sys") in found
    assert (1, "content[0].text", "multi") in found
    assert (2, "tool_calls[0].args.to", "ann") in found
    assert (3, "content", "tool out") in found
    assert (4, "content", "tuple form") in found
    assert (5, "content", "dict form") in found


def test_prompt_values_and_input_dicts() -> None:
    assert texts(StringPromptValue(text="s")) == [(None, "", "s")]
    assert texts(ChatPromptValue(messages=[HumanMessage("h")])) == [(0, "content", "h")]
    found = texts({"input": "question", "messages": [HumanMessage("m")], "k": 3})
    assert (None, "input", "question") in found
    assert (0, "content", "m") in found


def test_rewrite_keeps_shape() -> None:
    msg = AIMessage("x", tool_calls=[{"name": "f", "args": {"q": "x"}, "id": "1"}])
    out = walk_lc_input([msg], lambda t, i, p: t.upper())
    assert out[0].content == "X"
    assert out[0].tool_calls[0]["args"] == {"Q": "X"}  # argument names are text too
    assert msg.content == "x"


@pytest.mark.parametrize("bad", [42, 3.5, object(), b"bytes", None])
def test_wrong_types_name_the_type(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        texts(bad)
