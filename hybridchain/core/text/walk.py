r"""Walk the plain-Python shapes a model request takes and visit every piece of text.

The core reads strings, OpenAI/LiteLLM-style ``{"role", "content"}`` messages (content
parts, ``tool_calls`` with JSON arguments), lists of them and dicts carrying ``messages``
or ``input``. Framework types are converted by their adapters before reaching here.
One function both reads and rewrites: a visitor returns the text to keep in place.

Tool-call ``arguments`` (``tool_calls[].function``, the legacy ``function_call``,
Responses-style ``function_call`` items: any ``arguments`` field) are usually a JSON
string, where a value is escaped (``"note\n4111…"`` reads ``n4111…`` to a detector).
They are visited as the values they encode: string leaves at
``….arguments.<key>``/``[i]``, object keys at ``….arguments.<key>#key`` and numbers as
written; a rewritten value is encoded back into JSON. Arguments that are not valid
JSON are visited as one raw string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = [
    "TextVisitor",
    "is_message_dict",
    "walk_arguments",
    "walk_content",
    "walk_input",
    "walk_json",
    "walk_value",
]

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
        for position, (key, item) in enumerate(value.items()):
            child = _child_path(path, key, position)
            if key == _ARGUMENTS:
                new = walk_arguments(item, index, child, visit)
            else:
                new = walk_value(item, index, child, visit)
            changed = changed or new is not item
            out[key] = new
        return out if changed else value
    if isinstance(value, list | tuple):
        return _walk_items(value, index, path, visit, walk_value)
    return value


def _walk_items(
    value: list[Any] | tuple[Any, ...],
    index: int | None,
    path: str,
    visit: TextVisitor,
    walk: Callable[[Any, int | None, str, TextVisitor], Any],
) -> Any:
    """Walk each item at ``path[i]``; the same object back when nothing changed."""
    items = [walk(item, index, f"{path}[{i}]", visit) for i, item in enumerate(value)]
    if all(new is old for new, old in zip(items, value, strict=True)):
        return value
    return type(value)(items) if isinstance(value, tuple) else items


_ARGUMENTS = "arguments"
"""Key of a tool call's arguments: a JSON string (OpenAI, LiteLLM, Responses items); an
Anthropic ``tool_use`` block's ``input`` (already decoded) is walked the same way."""

# A key is written into a path (which findings, events and errors carry) only when it
# looks like an argument name; any other key (an e-mail, a number) is named by position.
_NAME_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]{0,39}")
_DIGIT_RUN = re.compile(r"\d{4}")


def _child_path(path: str, key: object, position: int) -> str:
    if isinstance(key, str) and _NAME_KEY.fullmatch(key) and not _DIGIT_RUN.search(key):
        name = key
    else:
        return f"{path}[#{position}]"
    return f"{path}.{name}" if path else name


class _JsonNumber:
    """A number decoded from JSON, kept as written (``1e3`` stays ``1e3``)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def value(self) -> int | float:
        return int(self.text) if self.text.lstrip("-").isdigit() else float(self.text)


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        # The raw text holds a value the decoded object would drop: read it raw.
        raise ValueError("duplicate key in JSON object")
    return out


def _decode(text: str) -> Any:
    """The JSON value ``text`` encodes, or ``None`` when it is not JSON worth decoding."""
    try:
        value = json.loads(
            text, object_pairs_hook=_unique_object, parse_int=_JsonNumber, parse_float=_JsonNumber
        )
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict | list | str) else None


def _encode_number(value: object) -> int | float:
    if isinstance(value, _JsonNumber):
        return value.value()
    raise TypeError(f"cannot encode a {type(value).__name__} as JSON")


def walk_arguments(arguments: Any, index: int | None, path: str, visit: TextVisitor) -> Any:
    r"""Visit the text of tool-call arguments: a JSON string or an already decoded value.

    A JSON string that encodes an object, an array or a string is visited as that value
    (see :func:`walk_json`) and encoded again only when the visitor changed something
    (``ensure_ascii`` when the original was ASCII). Any other string is visited raw.

    >>> seen = []
    >>> walk_arguments('{"q": "a\\nb"}', 0, "arguments", lambda t, i, p: seen.append(t) or t)
    '{"q": "a\\nb"}'
    >>> seen
    ['q', 'a\nb']
    >>> walk_arguments('{"q": "ann"}', 0, "arguments", lambda t, i, p: t.replace("ann", "<P_1>"))
    '{"q": "<P_1>"}'
    """
    if isinstance(arguments, str):
        decoded = _decode(arguments)
        if decoded is None:
            return visit(arguments, index, path)
        new = walk_json(decoded, index, path, visit)
        if new is decoded:
            return arguments
        return json.dumps(new, ensure_ascii=arguments.isascii(), default=_encode_number)
    if isinstance(arguments, Mapping | list | tuple):
        return walk_json(arguments, index, path, visit)
    return walk_value(arguments, index, path, visit)


def walk_json(value: Any, index: int | None, path: str, visit: TextVisitor) -> Any:
    """Visit everything a JSON value would show a model: strings, object keys and numbers.

    Keys are visited at ``<member path>#key``; a number is visited as written and, when
    the visitor changes it, replaced by the returned string.

    Returns:
        The value rebuilt with the visitor's replacements (the same object when
        nothing changed).

    Raises:
        ValueError: If two object keys become the same after rewriting.
    """
    if isinstance(value, str):
        new_text = visit(value, index, path)
        return value if new_text == value else new_text
    if isinstance(value, _JsonNumber | int | float) and not isinstance(value, bool):
        text = value.text if isinstance(value, _JsonNumber) else repr(value)
        new_text = visit(text, index, path)
        return value if new_text == text else new_text
    if isinstance(value, Mapping):
        changed = False
        out: dict[Any, Any] = {}
        for position, (key, item) in enumerate(value.items()):
            child = _child_path(path, key, position)
            new_key = walk_json(key, index, f"{child}#key", visit) if isinstance(key, str) else key
            new = walk_json(item, index, child, visit)
            if new_key in out:
                raise ValueError(f"two keys of the JSON object at {path!r} became the same")
            changed = changed or new is not item or new_key is not key
            out[new_key] = new
        return out if changed else value
    if isinstance(value, list | tuple):
        return _walk_items(value, index, path, visit, walk_json)
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
        if key == "input" and block.get("type") == "tool_use":
            new = walk_arguments(item, index, f"{path}.{key}", visit)
        else:
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
