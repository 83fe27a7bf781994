r"""Read the JSON ``arguments`` of OpenAI-style tool calls as the values they encode.

In an OpenAI/LiteLLM request an assistant's tool call carries its arguments as a JSON
string, so a value inside is escaped (``"line\n4111 1111 1111 1111"`` reads ``n4111…``
to a detector). The judge scans, and the proxy masks, the decoded arguments; masked
arguments are encoded back before the request is sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["decode_tool_arguments", "encode_tool_arguments"]


def decode_tool_arguments(messages: Any) -> Any:
    """Return ``messages`` with each tool call's JSON ``arguments`` string parsed.

    Arguments that are not valid JSON stay strings. The input is not modified.

    >>> call = {"function": {"name": "f", "arguments": '{"q": [1, "a"]}'}}
    >>> decode_tool_arguments([{"role": "assistant", "tool_calls": [call]}])[0]["tool_calls"]
    [{'function': {'name': 'f', 'arguments': {'q': [1, 'a']}}}]
    """
    return _map_arguments(messages, _decoded)


def encode_tool_arguments(messages: Any) -> Any:
    """Return ``messages`` with parsed tool-call ``arguments`` encoded as JSON strings again."""
    return _map_arguments(messages, _encoded)


def _decoded(arguments: Any) -> Any:
    if not isinstance(arguments, str):
        return arguments
    try:
        return json.loads(arguments)
    except ValueError:
        return arguments


def _encoded(arguments: Any) -> Any:
    return arguments if isinstance(arguments, str) else json.dumps(arguments)


def _map_arguments(messages: Any, convert: Callable[[Any], Any]) -> Any:
    if not isinstance(messages, list | tuple):
        return messages
    out: list[Any] = []
    for message in messages:
        calls = message.get("tool_calls") if isinstance(message, Mapping) else None
        if isinstance(calls, list | tuple) and calls:
            message = {**message, "tool_calls": [_call(c, convert) for c in calls]}
        out.append(message)
    return out


def _call(call: Any, convert: Callable[[Any], Any]) -> Any:
    function = call.get("function") if isinstance(call, Mapping) else None
    if not isinstance(function, Mapping) or "arguments" not in function:
        return call
    return {**call, "function": {**function, "arguments": convert(function["arguments"])}}
