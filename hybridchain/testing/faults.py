"""A stand-in chat model that fails like an unreachable or overloaded server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

from hybridchain.testing.echo import EchoChatModel

__all__ = ["FaultyChatModel"]


class FaultyChatModel(EchoChatModel):
    """An :class:`EchoChatModel` that raises ``error`` on its next ``failures`` calls.

    Streams yield ``after_chunks`` chunks of the answer before raising, as a server
    killed in the middle of a stream does. Every call, failed or not, is recorded in
    ``requests``. Use real client exceptions (``httpx.ConnectError``,
    ``openai.APIConnectionError``, ``openai.InternalServerError``) so that the
    availability classifier sees what it sees in production.

    Example:
        >>> model = FaultyChatModel(label="local", error=ConnectionRefusedError(), failures=1)
        >>> try:
        ...     model.invoke("hi")
        ... except ConnectionRefusedError:
        ...     print("down")
        down
        >>> model.invoke("hi").content, len(model.requests)
        ('local: hi', 2)
    """

    error: Any = None
    """The exception raised (``None``: never fails)."""
    failures: int | None = Field(default=None, ge=0)
    """How many calls fail before the model recovers (``None``: every call)."""
    after_chunks: int = Field(default=0, ge=0)
    """Chunks a failing stream yields before raising."""

    _failed: int = PrivateAttr(default=0)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def _fails(self) -> bool:
        if self.error is None:
            return False
        with self._lock:
            if self.failures is not None and self._failed >= self.failures:
                return False
            self._failed += 1
            return True

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        if self._fails():
            self.requests.append(list(messages))
            raise self.error
        return super()._generate(messages, stop, run_manager, **kwargs)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        failing = self._fails()
        for i, chunk in enumerate(super()._stream(messages, stop, run_manager, **kwargs)):
            if failing and i >= self.after_chunks:
                break
            yield chunk
        if failing:
            raise self.error
