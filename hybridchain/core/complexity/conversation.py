"""Read the text a model will see, turn by turn, weighted for complexity scoring.

The newest user turn says what is asked now and weighs most; earlier turns, the system
prompt and assistant replies still shape how hard the answer is (a follow-up "and why?"
after a long proof is not chit-chat), so they count at a lower weight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

from hybridchain.core.text.walk import is_message_dict, walk_content, walk_value

__all__ = [
    "EARLIER_USER_WEIGHT",
    "LAST_USER_WEIGHT",
    "OTHER_ROLE_WEIGHT",
    "ScorerInput",
    "WeightedText",
    "conversation_parts",
    "conversation_text",
]

ScorerInput: TypeAlias = str | Sequence[Mapping[str, Any]]
"""A prompt string, or OpenAI-style ``{"role", "content"}`` messages."""

WeightedText: TypeAlias = tuple[str, float]
"""One turn's text and the weight its features get."""

LAST_USER_WEIGHT = 1.0
"""Weight of the newest user turn."""
EARLIER_USER_WEIGHT = 0.5
"""Weight of earlier user turns."""
OTHER_ROLE_WEIGHT = 0.25
"""Weight of system, assistant and tool turns."""


def _texts(content: Any, *, message: bool) -> str:
    pieces: list[str] = []

    def visit(text: str, _index: int | None, _path: str) -> str:
        pieces.append(text)
        return text

    if message:
        walk_content(content, None, "content", visit)
    else:
        walk_value(content, None, "", visit)
    return "\n".join(pieces)


def conversation_parts(value: ScorerInput) -> list[WeightedText]:
    """Split a prompt or conversation into weighted texts.

    Args:
        value: A string (one user turn) or a list of ``{"role", "content"}`` messages.

    Returns:
        ``(text, weight)`` for every non-empty turn, in order.

    Raises:
        TypeError: If ``value`` is neither a string nor a list of messages.

    Example:
        >>> conversation_parts([
        ...     {"role": "system", "content": "Be brief."},
        ...     {"role": "user", "content": "Prove it."},
        ... ])
        [('Be brief.', 0.25), ('Prove it.', 1.0)]
    """
    if isinstance(value, str):
        return [(value, LAST_USER_WEIGHT)] if value else []
    if not isinstance(value, Sequence):
        raise TypeError(f"cannot score a {type(value).__name__}; expected str or messages")
    messages: Sequence[Any] = value
    last_user = -1
    for i, message in enumerate(messages):
        if is_message_dict(message) and message.get("role") in ("user", "human"):
            last_user = i
    parts: list[WeightedText] = []
    for i, message in enumerate(messages):
        if is_message_dict(message):
            text = _texts(message.get("content"), message=True)
            role = message.get("role")
        else:  # a bare string or value in the list: the model sees it as user text
            text = _texts(message, message=False)
            role = "user"
        if not text:
            continue
        if i == last_user:
            weight = LAST_USER_WEIGHT
        elif role in ("user", "human"):
            weight = EARLIER_USER_WEIGHT
        else:
            weight = OTHER_ROLE_WEIGHT
        parts.append((text, weight))
    return parts


def conversation_text(value: ScorerInput) -> str:
    r"""All text of a prompt or conversation, turns separated by blank lines.

    Example:
        >>> conversation_text([{"role": "user", "content": "Hi"}, {"role": "assistant",
        ...     "content": [{"type": "text", "text": "Hello!"}]}])
        'Hi\n\nHello!'
    """
    if isinstance(value, str):
        return value
    return "\n\n".join(text for text, _ in conversation_parts(value))
