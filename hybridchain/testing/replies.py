"""What :class:`~hybridchain.testing.RecorderServer` answers: text, a tool call, or JSON.

The recorder is a test double, not a model: it *fabricates* schema-shaped replies so that
clients exercising tool calling and structured output get a well-formed OpenAI answer.
Values are filled from the JSON schema alone, with a little help from the last user
message (a quoted phrase for strings, a number it mentions for numbers), so that the same
request always gets the same answer.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Reply", "fill_schema", "reply_for"]

_QUOTED = re.compile(r"'([^'\n]{1,200})'|\"([^\"\n]{1,200})\"")
_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d{1,15})?")
_MAX_DEPTH = 8


@dataclass(frozen=True)
class Reply:
    """One answer: text content, or a call to one tool.

    Example:
        >>> reply_for({"messages": [{"role": "user", "content": "hi"}]})
        Reply(text='cloud: hi', tool_name=None, arguments=None)
    """

    text: str
    """The answer text (empty for a tool call)."""
    tool_name: str | None = None
    """The tool called, if the answer is a tool call."""
    arguments: str | None = None
    """The tool call's arguments, a JSON object string."""


def message_text(message: dict[str, Any]) -> str:
    """The text of an OpenAI chat message: its string content or its text parts, joined."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def reply_for(body: dict[str, Any], fixed: str | None = None) -> Reply:
    """Decide the answer to a chat-completions request body.

    A tool call when the request has ``tools`` and ``tool_choice`` forces one (``required``
    or a named function), or allows one (``auto``, the default) and the last message is not
    a tool result; JSON when ``response_format`` asks for it; text otherwise.

    Args:
        body: The request body, as the client sent it.
        fixed: Answer text to use instead of ``cloud: <last message>``.

    Returns:
        The reply.
    """
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    last = messages[-1] if messages else {}
    user = next((message_text(m) for m in reversed(messages) if m.get("role") == "user"), "")
    text = fixed if fixed is not None else f"cloud: {message_text(last)}"
    tool = _chosen_tool(body, last, user)
    if tool is not None:
        name = str(tool.get("name", "tool"))
        arguments = fill_schema(tool.get("parameters") or {}, text=user)
        return Reply("", name, json.dumps(arguments if isinstance(arguments, dict) else {}))
    response_format = body.get("response_format")
    if isinstance(response_format, dict):
        kind = response_format.get("type")
        if kind == "json_schema":
            schema = (response_format.get("json_schema") or {}).get("schema") or {}
            return Reply(json.dumps(fill_schema(schema, text=user), ensure_ascii=False))
        if kind == "json_object":
            return Reply(json.dumps({"reply": text}, ensure_ascii=False))
    return Reply(text)


def _chosen_tool(body: dict[str, Any], last: dict[str, Any], user: str) -> dict[str, Any] | None:
    functions: list[dict[str, Any]] = [
        t["function"]
        for t in body.get("tools") or []
        if isinstance(t, dict) and isinstance(t.get("function"), dict)
    ]
    choice = body.get("tool_choice", "auto")
    if not functions or choice == "none":
        return None
    if isinstance(choice, dict):
        named = (choice.get("function") or {}).get("name")
        return next((f for f in functions if f.get("name") == named), None)
    if choice != "required" and last.get("role") == "tool":
        return None  # a model that allows itself to answer answers the tool result
    mentioned = [f for f in functions if f.get("name") and str(f["name"]) in user]
    return (mentioned or functions)[0]


def fill_schema(schema: Any, *, text: str = "", name: str = "value") -> Any:
    """A deterministic value that fits a JSON schema (required object fields only).

    Strings are the first quoted phrase of ``text`` (else ``text`` itself, else ``name``);
    numbers are the first one ``text`` mentions within the bounds (else the lower bound);
    ``$ref`` to ``$defs``/``definitions``, ``anyOf``/``oneOf`` (first non-null option),
    ``allOf``, ``enum``, ``const`` and ``default`` are followed.

    Example:
        >>> schema = {"type": "object", "properties": {"n": {"type": "integer"}},
        ...           "required": ["n"]}
        >>> fill_schema(schema, text="What is magic(3)?")
        {'n': 3}

    Args:
        schema: A JSON schema (a dict; anything else fills as ``None``).
        text: Text to borrow strings and numbers from.
        name: The field's name, the last-resort string.

    Returns:
        A JSON-serializable value.
    """
    return _fill(schema, schema, text, name, 0)


def _fill(schema: Any, root: Any, text: str, name: str, depth: int) -> Any:
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return None
    if isinstance(schema.get("$ref"), str):
        return _fill(_resolve(schema["$ref"], root), root, text, name, depth + 1)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf"):
        options = [o for o in schema.get(key) or [] if not _is_null(o)]
        if options:
            return _fill(options[0], root, text, name, depth + 1)
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(part if isinstance(part, dict) else {})
        return _fill(merged, root, text, name, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "object":
        properties = schema.get("properties") or {}
        return {
            key: _fill(properties.get(key, {}), root, text, key, depth + 1)
            for key in schema.get("required") or []
        }
    if kind == "array":
        count = max(int(schema.get("minItems", 1)), 1)
        return [_fill(schema.get("items", {}), root, text, name, depth + 1)] * count
    if kind in ("integer", "number"):
        return _number(schema, text, integer=kind == "integer")
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string(schema, text, name)


def _resolve(ref: str, root: Any) -> Any:
    node = root
    for part in ref.removeprefix("#/").split("/") if ref.startswith("#/") else ["?"]:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _is_null(option: Any) -> bool:
    return isinstance(option, dict) and option.get("type") == "null"


def _number(schema: dict[str, Any], text: str, *, integer: bool) -> int | float:
    low = schema.get("minimum", schema.get("exclusiveMinimum", -math.inf))
    high = schema.get("maximum", schema.get("exclusiveMaximum", math.inf))

    def fits(value: float) -> bool:
        return (
            low <= value <= high
            and value != schema.get("exclusiveMinimum")
            and value != schema.get("exclusiveMaximum")
        )

    for match in _NUMBER.finditer(text):
        value = float(match.group())
        if (not integer or value.is_integer()) and fits(value):
            return int(value) if integer else value
    fallback = 0.0 if fits(0.0) else (math.floor(low) + 1 if low > 0 else math.ceil(high) - 1)
    return int(fallback) if integer else float(fallback)


def _string(schema: dict[str, Any], text: str, name: str) -> str:
    quoted = _QUOTED.search(text)
    value = (quoted.group(1) or quoted.group(2)) if quoted else text.strip()[:60]
    value = value or name
    limit = schema.get("maxLength")
    return value[:limit] if isinstance(limit, int) and limit > 0 else value
