"""Mask a LiteLLM request's values with placeholders and restore them in the answer.

Shared by the proxy guardrail (:mod:`hybridchain.litellm.proxy`) and the SDK wrapper
(:mod:`hybridchain.litellm.pseudonymizing_router`). Importing this module does not
import LiteLLM (:class:`ChunkRestorer` does, when it builds chunks).
"""

from __future__ import annotations

from typing import Any

from hybridchain.core.findings import Finding, SensitivityReport
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.core.pseudonymize import Pseudonymizer, StreamRestorer, json_string_content
from hybridchain.core.scan import collect_pieces
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.core.text.walk import walk_input

__all__ = ["ChunkRestorer", "mask_messages", "restore_response"]


def mask_messages(
    policy: SensitivityPolicy, messages: Any, report: SensitivityReport
) -> tuple[Any, Pseudonymizer] | None:
    """Replace every finding of ``report`` in ``messages`` by a placeholder.

    Args:
        policy: Says which entity types pseudonymization cannot hide
            (``keep_local_types``) and whether what they leave may reach the cloud.
        messages: Chat messages (OpenAI shape), as scanned into ``report``.
        report: The scan of ``messages``.

    Returns:
        The masked messages (a copy) and the request's mapping, or ``None`` when the
        findings pseudonymization cannot hide keep the request from the cloud.

    >>> from hybridchain.core.findings import SensitivityReport
    >>> msgs = [{"role": "user", "content": "Mail ann@example.com"}]
    >>> found = Finding("EMAIL_ADDRESS", 5, 20, 1.0, message_index=0, path="content")
    >>> report = SensitivityReport(Sensitivity.CONFIDENTIAL, (found,))
    >>> masked, mapping = mask_messages(SensitivityPolicy(), msgs, report)
    >>> masked[0]["content"], mapping.restore(masked[0]["content"])
    ('Mail <EMAIL_ADDRESS_1>', 'Mail ann@example.com')
    """
    kept = [f for f in report.findings if f.entity_type in policy.keep_local_types]
    residual = max((policy.level_of(f) for f in kept), default=Sensitivity.PUBLIC)
    if not policy.allows("cloud", residual):
        return None
    by_piece: dict[tuple[int | None, str], list[Finding]] = {}
    for f in report.findings:
        if f.entity_type not in policy.keep_local_types:
            by_piece.setdefault((f.message_index, f.path), []).append(f)
    # The core walker reads tool-call arguments decoded and encodes masked ones back.
    pseudonymizer = Pseudonymizer([p.text for p in collect_pieces(messages)])

    def visit(text: str, index: int | None, path: str) -> str:
        found = by_piece.get((index, path))
        return pseudonymizer.replace(text, found) if found else text

    return walk_input(messages, visit), pseudonymizer


def restore_response(response: Any, pseudonymizer: Pseudonymizer) -> None:
    """Put the real values back into a (non-streamed) LiteLLM response, in place.

    Restores message content, text-completion text and tool-call arguments (JSON-escaped,
    so the arguments stay valid JSON).
    """
    for choice in getattr(response, "choices", None) or []:
        if isinstance(getattr(choice, "text", None), str):  # text completions
            choice.text = pseudonymizer.restore(choice.text)
        message = getattr(choice, "message", None)
        if message is None:
            continue
        if isinstance(message.content, str):
            message.content = pseudonymizer.restore(message.content)
        for call in getattr(message, "tool_calls", None) or []:
            function = getattr(call, "function", None)
            if function is not None and isinstance(function.arguments, str):
                # JSON text: a value with quotes or line breaks must stay escaped.
                function.arguments = pseudonymizer.restore(function.arguments, json_string_content)


class ChunkRestorer:
    """Put the real values back into one streamed answer, chunk by chunk, in place.

    Text is restored as it arrives; a placeholder split across chunks is held back until it
    is whole. Tool-call arguments are JSON text cut anywhere, so each call's fragments are
    held (the fragments pass on with empty arguments) and the whole arguments, restored and
    JSON-escaped, ride on the chunk that ends the choice (its ``finish_reason``).

    Args:
        pseudonymizer: The request's mapping.
    """

    def __init__(self, pseudonymizer: Pseudonymizer) -> None:
        self._p = pseudonymizer
        self._text: dict[int, StreamRestorer] = {}
        self._arguments: dict[int, dict[int, str]] = {}

    def restore(self, chunk: Any) -> None:
        """Restore one ``ModelResponseStream`` in place."""
        for choice in getattr(chunk, "choices", None) or []:
            delta = getattr(choice, "delta", None)
            if delta is None:
                continue
            index = int(getattr(choice, "index", 0) or 0)
            restorer = self._text.setdefault(index, self._p.stream_restorer())
            text = restorer.feed(delta.content) if isinstance(delta.content, str) else ""
            finished = bool(getattr(choice, "finish_reason", None))
            if finished:
                text += restorer.flush()
            if text or isinstance(delta.content, str):
                delta.content = text
            held = self._arguments.setdefault(index, {})
            for call in getattr(delta, "tool_calls", None) or []:
                function = getattr(call, "function", None)
                if function is not None and isinstance(function.arguments, str):
                    number = int(getattr(call, "index", 0) or 0)
                    held[number] = held.get(number, "") + function.arguments
                    function.arguments = ""
            if finished and held:
                delta.tool_calls = [*(delta.tool_calls or []), *self._calls(held)]

    def closing(self) -> Any | None:
        """Return a last chunk with what is still held (a stream cut short), or ``None``."""
        from litellm.types.utils import Delta, ModelResponseStream, StreamingChoices

        choices = []
        for index in sorted(self._text.keys() | self._arguments.keys()):
            restorer = self._text.get(index)
            text = restorer.flush() if restorer is not None else ""
            held = self._arguments.get(index) or {}
            if text or held:
                calls = self._calls(held) or None
                delta = Delta(content=text or None, tool_calls=calls)
                choices.append(StreamingChoices(index=index, delta=delta))
        return ModelResponseStream(choices=choices) if choices else None

    def _calls(self, held: dict[int, str]) -> list[Any]:
        from litellm.types.utils import ChatCompletionDeltaToolCall, Function

        calls = [
            ChatCompletionDeltaToolCall(
                index=number,
                type="function",
                # JSON text: a value with quotes or line breaks must stay escaped.
                function=Function(arguments=self._p.restore(text, json_string_content)),
            )
            for number, text in sorted(held.items())
        ]
        held.clear()
        return calls
