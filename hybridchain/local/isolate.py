"""Make a llama.cpp server's confidence figures reproducible.

The llama.cpp server keeps the previous request's tokens evaluated and reuses the
longest common prefix for the next prompt. How much it reuses changes how the prompt is
batched, which moves log-probabilities (a few thousandths of a nat when a short prompt is
simply repeated; up to about 0.5 nat seen on benchmark prompts): the same prompt scores
differently depending on what came before it. Sending a fixed one-token throwaway
request first makes the reused prefix the same every time.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage

__all__ = ["IsolatingCallback", "isolate"]

_THROWAWAY = [{"role": "user", "content": "."}]


def isolate(base_url: str, model: str, timeout: float = 60.0) -> None:
    """Send a fixed one-token request so the next prompt starts from the same cache state.

    Call it before each item whose log-probabilities you compare or publish; it costs one
    short request (tens of milliseconds on a 270M model).

    Args:
        base_url: the server's API root, ending in ``/v1``.
        model: the model name the server knows.
        timeout: seconds the request may take.

    Example::

        with LocalServer() as server:
            chat = server.chat_model(logprobs=True)
            for prompt in prompts:
                isolate(server.base_url, server.model)  # or chat_model(..., isolate=True)
                message = chat.invoke(prompt)
    """
    body = {"model": model, "messages": _THROWAWAY, "max_tokens": 1, "temperature": 0.0}
    request = urllib.request.Request(
        base_url.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer local"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()


class IsolatingCallback(BaseCallbackHandler):
    """Calls :func:`isolate` before every chat model run it is attached to.

    Runs that overlap (``batch`` with concurrency above 1) share the server's cache and
    are not isolated from each other; run them one at a time.

    >>> handler = IsolatingCallback("http://127.0.0.1:8080/v1", "gemma")
    >>> handler.raise_error
    True
    """

    raise_error: bool = True
    """A failed throwaway request fails the run: its figures would not be reproducible."""

    def __init__(self, base_url: str, model: str, timeout: float = 60.0) -> None:
        self.base_url = base_url
        """The server's API root."""
        self.model = model
        """The model name the server knows."""
        self.timeout = timeout
        """Seconds the throwaway request may take."""

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        **kwargs: Any,
    ) -> None:
        """Send the throwaway request before the model's own."""
        isolate(self.base_url, self.model, self.timeout)
