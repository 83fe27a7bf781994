"""What the recorder answers: text, tool calls and schema-shaped JSON, decided from the body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, Field

from hybridchain.testing.replies import Reply, fill_schema, reply_for


class Magic(BaseModel):
    """Apply a magic function."""

    input: int = Field(gt=-1000, lt=1000)


class Address(BaseModel):
    street: str
    zip_code: str | None = None


class Customer(BaseModel):
    """Create a customer."""

    name: str
    tags: list[str]
    address: Address
    vip: bool
    score: float = Field(ge=10.0, le=20.0)
    note: str | None = None


def _tool(schema: type[BaseModel]) -> dict[str, Any]:
    return convert_to_openai_tool(schema)


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def test_plain_text_echoes_the_last_message_or_the_fixed_reply() -> None:
    body = {"messages": [_user("first"), {"role": "assistant", "content": "a"}, _user("last")]}
    assert reply_for(body) == Reply("cloud: last")
    assert reply_for(body, "fixed") == Reply("fixed")


def test_forced_tool_call_fills_arguments_from_the_schema_and_the_prompt() -> None:
    body = {
        "messages": [_user("What is Magic(3)? Use the tool.")],
        "tools": [_tool(Magic)],
        "tool_choice": "required",
    }
    reply = reply_for(body)
    assert reply.text == "" and reply.tool_name == "Magic"
    assert json.loads(reply.arguments or "") == {"input": 3}


def test_named_tool_choice_picks_that_tool() -> None:
    tools = [_tool(Magic), _tool(Customer)]
    choice = {"type": "function", "function": {"name": "Customer"}}
    body = {"messages": [_user("Magic please")], "tools": tools, "tool_choice": choice}
    assert reply_for(body).tool_name == "Customer"


def test_auto_prefers_the_tool_the_prompt_names_else_the_first() -> None:
    tools = [_tool(Magic), _tool(Customer)]
    assert reply_for({"messages": [_user("add a Customer")], "tools": tools}).tool_name == (
        "Customer"
    )
    assert reply_for({"messages": [_user("hello")], "tools": tools}).tool_name == "Magic"


def test_auto_answers_a_tool_result_with_text_and_none_never_calls() -> None:
    history = [
        _user("Magic(3)?"),
        {"role": "assistant", "content": None, "tool_calls": []},
        {"role": "tool", "tool_call_id": "c1", "content": "5"},
    ]
    tools = [_tool(Magic)]
    assert reply_for({"messages": history, "tools": tools}) == Reply("cloud: 5")
    assert reply_for({"messages": history, "tools": tools, "tool_choice": "required"}).tool_name
    none = {"messages": [_user("Magic(3)?")], "tools": tools, "tool_choice": "none"}
    assert reply_for(none) == Reply("cloud: Magic(3)?")


def test_json_schema_response_format_is_valid_for_the_schema() -> None:
    schema = Customer.model_json_schema()
    body = {
        "messages": [_user("Create 'Zoë' with score 15")],
        "response_format": {"type": "json_schema", "json_schema": {"name": "C", "schema": schema}},
    }
    value = json.loads(reply_for(body).text)
    customer = Customer.model_validate(value)  # $ref, arrays, bounds, optional fields
    assert customer.name == "Zoë" and customer.score == 15.0 and "note" not in value


def test_json_object_response_format_is_a_json_object() -> None:
    body = {"messages": [_user("hi")], "response_format": {"type": "json_object"}}
    assert json.loads(reply_for(body).text) == {"reply": "cloud: hi"}


@pytest.mark.parametrize(
    ("schema", "text", "expected"),
    [
        ({"type": "integer", "minimum": 5}, "try 2 then 7", 7),
        ({"type": "integer", "minimum": 5}, "no numbers", 6),
        ({"type": "integer", "exclusiveMaximum": 0}, "", -1),
        ({"type": "number"}, "pi is 3.14", 3.14),
        ({"type": "string", "maxLength": 3}, "say 'hello'", "hel"),
        ({"type": "string"}, "", "field"),
        ({"enum": ["b", "a"]}, "", "b"),
        ({"const": 4}, "", 4),
        ({"type": ["null", "boolean"]}, "", True),
        ({"anyOf": [{"type": "null"}, {"type": "integer"}]}, "1", 1),
        ({"type": "array", "items": {"type": "integer"}, "minItems": 2}, "", [0, 0]),
        ({"$ref": "#/$defs/missing"}, "", None),
    ],
)
def test_fill_schema_values(schema: dict[str, Any], text: str, expected: Any) -> None:
    assert fill_schema(schema, text=text, name="field") == expected


def test_recursive_schemas_stop() -> None:
    schema = {
        "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}},
        "type": "object",
        "properties": {"next": {"$ref": "#/$defs/Node"}},
        "required": ["next"],
    }
    schema["$defs"]["Node"]["required"] = ["next"]
    value = fill_schema(schema)
    depth = 0
    while isinstance(value, dict):
        value, depth = value["next"], depth + 1
    assert value is None and depth < 10
