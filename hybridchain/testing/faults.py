"""Faults to inject in process: a chat model that fails, a dead port, a killed server.

Together with :class:`~hybridchain.testing.RecorderServer`'s ``fail_with``,
``fail_mid_stream``, ``delay`` and ``stop`` (the cloud), and ``RedisLedger(fallback=...)``
with :func:`~hybridchain.testing.redis_server.redis_server` (the ledger), these are the
faults the tests and the reliability benchmark drive.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

from hybridchain.local.process import free_port
from hybridchain.testing.echo import EchoChatModel

if TYPE_CHECKING:
    from hybridchain.local.server import LocalServer

__all__ = ["FaultyChatModel", "kill_server", "unreachable_base_url"]


def unreachable_base_url() -> str:
    """Return an OpenAI-style ``/v1`` URL on a loopback port nobody listens on.

    >>> unreachable_base_url().startswith("http://127.0.0.1:")
    True
    """
    return f"http://127.0.0.1:{free_port()}/v1"


def kill_server(server: LocalServer) -> None:
    """SIGKILL a running :class:`~hybridchain.local.LocalServer`'s process group, as a crash.

    Requests in flight (a stream, say) break off; ``server.stop()`` reaps it afterwards.

    Raises:
        RuntimeError: If the server is not running.
    """
    pid = server.pid
    if pid is None or not server.running:
        raise RuntimeError("the local server is not running")
    os.killpg(pid, signal.SIGKILL)


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
