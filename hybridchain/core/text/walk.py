"""Walk the plain-Python shapes a model request takes and visit every piece of text.

The core reads strings, OpenAI/LiteLLM-style ``{"role", "content"}`` messages (content
parts, ``tool_calls`` with JSON arguments), lists of them and dicts carrying ``messages``
or ``input``. Framework types are converted by their adapters before reaching here.
One function both reads and rewrites: a visitor returns the text to keep in place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["TextVisitor", "is_message_dict", "walk_content", "walk_input", "walk_value"]

TextVisitor = Callable[[str, int | None, str], str]
"""Called as ``visitor(text, message_index, path)``; returns the text to put back."""

_MESSAGE_KEYS = frozenset({"role", "content"})


def is_message_dict(value: object) -> bool:
    """Whether ``value`` looks like an OpenAI-style chat message."""
    return isinstance(value, Mapping) and "role" in value and _MESSAGE_KEYS & value.keys() != set()


def walk_value(value: Any, index: int | None, path: str, visit: TextVisitor) -> Any:
    """Visit every string inside a JSON-like value (dict, list, tuple, str).

    Args:
        value: The value to walk.
        index: Message index recorded with each visited string.
        path: Location of ``value``; nested keys and positions are appended.
        visit: The visitor.

    Returns:
        The value rebuilt with the visitor's replacements (the same object when
        nothing changed).
    """
    if isinstance(value, str):
        return visit(value, index, path)
    if isinstance(value, Mapping):
        changed = False
        out: dict[Any, Any] = {}
        for key, item in value.items():
            new = walk_value(item, index, f"{path}.{key}" if path else str(key), visit)
            changed = changed or new is not item
            out[key] = new
        return out if changed else value
    if isinstance(value, list | tuple):
        items = [walk_value(item, index, f"{path}[{i}]", visit) for i, item in enumerate(value)]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items) if isinstance(value, tuple) else items
    return value


def walk_content(content: Any, index: int | None, path: str, visit: TextVisitor) -> Any:
    """Visit the text of message content: a string or a list of content blocks.

    Text blocks (``{"type": "text", "text": ...}``) and any other block's string
    fields are visited; binary payloads such as base64 images are left alone.
    """
    if isinstance(content, str):
        return visit(content, index, path)
    if isinstance(content, Sequence):
        blocks = list(content)
        changed = False
        for i, block in enumerate(blocks):
            new = _walk_block(block, index, f"{path}[{i}]", visit)
            changed = changed or new is not block
            blocks[i] = new
        return blocks if changed else content
    return walk_value(content, index, path, visit)


_BINARY_KEYS = frozenset({"data", "base64", "image_url", "url", "source_type", "mime_type", "type"})


def _walk_block(block: Any, index: int | None, path: str, visit: TextVisitor) -> Any:
    if isinstance(block, str):
        return visit(block, index, path)
    if not isinstance(block, Mapping):
        return block
    out = dict(block)
    changed = False
    for key, item in block.items():
        if key in _BINARY_KEYS and not (key == "url" and _is_text_url(item)):
            continue
        new = walk_value(item, index, f"{path}.{key}", visit)
        changed = changed or new is not item
        out[key] = new
    return out if changed else block


def _is_text_url(value: object) -> bool:
    # A plain URL may carry credentials (`https://user:pass@host`); data URLs are binary.
    return isinstance(value, str) and not value.startswith("data:")


def _walk_message(message: Mapping[str, Any], index: int, visit: TextVisitor) -> Any:
    out = dict(message)
    changed = False
    for key, item in message.items():
        if key == "role":
            continue
        if key == "content":
            new = walk_content(item, index, "content", visit)
        else:
            new = walk_value(item, index, key, visit)
        changed = changed or new is not item
        out[key] = new
    return out if changed else message


def walk_messages(messages: Sequence[Any], visit: TextVisitor) -> list[Any]:
    """Visit every message of a conversation; non-dict items are walked as values."""
    out: list[Any] = []
    for i, message in enumerate(messages):
        if is_message_dict(message):
            out.append(_walk_message(message, i, visit))
        else:
            out.append(walk_value(message, i, "", visit))
    return out


def walk_input(value: Any, visit: TextVisitor) -> Any:
    """Visit every piece of text a model would see in a plain-Python request.

    Args:
        value: A string, a list of ``{"role", "content"}`` messages, a single
            message, or a dict whose ``messages``/``input`` (and any other string
            values) carry the request.
        visit: The visitor, called for every string.

    Returns:
        The request rebuilt with the visitor's replacements.

    Raises:
        TypeError: If ``value`` is not one of the shapes above.
    """
    if isinstance(value, str):
        return visit(value, None, "")
    if isinstance(value, Mapping):
        if is_message_dict(value):
            return _walk_message(value, 0, visit)
        out = dict(value)
        for key, item in value.items():
            if key == "messages" and isinstance(item, Sequence) and not isinstance(item, str):
                out[key] = walk_messages(item, visit)
            else:
                out[key] = walk_value(item, None, str(key), visit)
        return out
    if isinstance(value, list | tuple):
        return walk_messages(value, visit)
    raise TypeError(
        f"cannot read text from a {type(value).__name__}; expected str, a list of "
        "{'role', 'content'} messages, or a dict with 'messages' or 'input'"
    )
