"""Read and rewrite the text in everything LangChain passes to a model.

Converts LangChain's types once, at the edge: ``PromptValue``, ``BaseMessage`` of every
role (AI tool-call arguments, tool results, multimodal blocks), ``(role, content)``
tuples, and whatever the core already reads (strings, OpenAI-style dicts).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.prompt_values import ChatPromptValue, PromptValue, StringPromptValue
from pydantic import BaseModel

from hybridchain.core.text.walk import (
    TextVisitor,
    is_message_dict,
    walk_arguments,
    walk_content,
    walk_input,
    walk_value,
)

__all__ = ["walk_lc_input", "walk_lc_output"]


def _walk_message(message: BaseMessage, index: int, visit: TextVisitor) -> BaseMessage:
    update: dict[str, Any] = {}
    content = walk_content(message.content, index, "content", visit)
    if content is not message.content:
        update["content"] = content
    if message.additional_kwargs:
        kwargs = walk_value(message.additional_kwargs, index, "additional_kwargs", visit)
        if kwargs is not message.additional_kwargs:
            update["additional_kwargs"] = kwargs
    if isinstance(message, AIMessage):
        for field in ("tool_calls", "invalid_tool_calls"):
            calls = getattr(message, field)
            new = [_walk_call(call, index, f"{field}[{j}]", visit) for j, call in enumerate(calls)]
            if any(a is not b for a, b in zip(new, calls, strict=True)):
                update[field] = new
    if isinstance(message, AIMessageChunk) and message.tool_call_chunks:
        chunks = [
            _walk_call(c, index, f"tool_call_chunks[{j}]", visit)
            for j, c in enumerate(message.tool_call_chunks)
        ]
        if any(a is not b for a, b in zip(chunks, message.tool_call_chunks, strict=True)):
            update["tool_call_chunks"] = chunks
    return message.model_copy(update=update) if update else message


def _walk_call(call: Any, index: int, path: str, visit: TextVisitor) -> Any:
    # Parsed args (keys and numbers included) or the JSON string of a chunk/invalid call.
    args = call.get("args")
    new = walk_arguments(args, index, f"{path}.args", visit)
    return call if new is args else {**call, "args": new}


def _walk_item(item: Any, index: int, visit: TextVisitor) -> Any:
    if isinstance(item, BaseMessage):
        return _walk_message(item, index, visit)
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
        role, content = item
        new = walk_content(content, index, "content", visit)
        return item if new is content else (role, new)
    if is_message_dict(item):
        return walk_input([item], lambda t, _i, p: visit(t, index, p))[0]
    if isinstance(item, str):
        return visit(item, index, "content")
    return walk_value(item, index, "", visit)


def _walk_sequence(items: Sequence[Any], visit: TextVisitor) -> list[Any]:
    return [_walk_item(item, i, visit) for i, item in enumerate(items)]


def walk_lc_input(value: Any, visit: TextVisitor) -> Any:
    """Visit every piece of text a model would see in a LangChain input.

    Args:
        value: ``str``, ``PromptValue``, a message, a sequence of messages (also
            ``(role, content)`` tuples and OpenAI-style dicts), or a dict with
            ``messages``/``input``.
        visit: Called as ``visit(text, message_index, path)``; returns the text to keep.

    Returns:
        The input rebuilt with the visitor's replacements, of the same kind.

    Raises:
        TypeError: If the input is none of those kinds.
    """
    if isinstance(value, str):
        return visit(value, None, "")
    if isinstance(value, StringPromptValue):
        text = visit(value.text, None, "")
        return value if text is value.text else StringPromptValue(text=text)
    if isinstance(value, ChatPromptValue):
        messages = _walk_sequence(value.messages, visit)
        return ChatPromptValue(messages=messages)
    if isinstance(value, PromptValue):
        return _walk_sequence(value.to_messages(), visit)
    if isinstance(value, BaseMessage):
        return _walk_message(value, 0, visit)
    if isinstance(value, Mapping) and not is_message_dict(value):
        out = dict(value)
        for key, item in value.items():
            if key == "messages" and isinstance(item, Sequence) and not isinstance(item, str):
                out[key] = _walk_sequence(item, visit)
            elif isinstance(item, BaseMessage):
                out[key] = _walk_message(item, 0, visit)
            else:
                out[key] = walk_value(item, None, str(key), visit)
        return out
    if isinstance(value, list | tuple):
        return _walk_sequence(value, visit)
    if isinstance(value, Mapping):
        return walk_input(value, visit)
    raise TypeError(
        f"cannot read text from a {type(value).__name__}; expected str, PromptValue, "
        "a message or a list of messages, or a dict with 'messages' or 'input'"
    )


def walk_lc_output(value: Any, visit: TextVisitor) -> Any:
    """Visit the text in a model or chain output (messages, strings, dicts, pydantic models).

    Unlike :func:`walk_lc_input`, unknown types are returned unchanged.
    """
    if isinstance(value, BaseModel) and not isinstance(value, BaseMessage | PromptValue):
        dumped = value.model_dump()
        new = walk_value(dumped, None, "", visit)
        return value if new is dumped else type(value).model_validate(new)
    try:
        return walk_lc_input(value, visit)
    except TypeError:
        return value
