"""A deterministic chat model with chosen content and chosen log-probabilities."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field


def lp(*probs: float, top: Sequence[Sequence[tuple[str, float]]] | None = None) -> dict[str, Any]:
    """An OpenAI-style logprobs payload with one token per probability."""
    content = []
    for i, p in enumerate(probs):
        alts = top[i] if top is not None and i < len(top) else [(f"t{i}", p)]
        content.append(
            {
                "token": f"t{i}",
                "logprob": math.log(p),
                "top_logprobs": [{"token": t, "logprob": math.log(q)} for t, q in alts],
            }
        )
    return {"content": content, "refusal": None}


CONFIDENT = lp(0.98, 0.95, 0.97, top=[[("t0", 0.98), ("x", 0.01)]])
UNSURE = lp(0.3, 0.1, 0.4, top=[[("t0", 0.3), ("x", 0.28)]])


class FakeChat(BaseChatModel):
    """Answers ``reply``; returns ``payload`` as logprobs only when asked for logprobs."""

    reply: str = "answer"
    payload: dict[str, Any] | None = None
    fail: bool = False
    chunk_size: int = 3
    logprobs: bool | None = None
    top_logprobs: int | None = None
    temperature: float | None = None
    replies: list[str] = Field(default_factory=list)
    """Replies used in turn before ``reply`` (samples)."""
    requests: list[list[BaseMessage]] = Field(default_factory=list)
    kwargs_seen: list[dict[str, Any]] = Field(default_factory=list)
    emitted: int = 0
    """Chunks streamed so far."""

    @property
    def _llm_type(self) -> str:
        return "fake-chat"

    def _answer(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> AIMessage:
        self.requests.append(list(messages))
        self.kwargs_seen.append(dict(kwargs))
        if self.fail:
            raise ConnectionError("local model down at 10.0.0.1")
        text = self.replies.pop(0) if self.replies else self.reply
        meta: dict[str, Any] = {"model_name": self._llm_type}
        if kwargs.get("logprobs") and self.payload is not None:
            meta["logprobs"] = self.payload
        return AIMessage(content=text, response_metadata=meta)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._answer(messages, kwargs))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        answer = self._answer(messages, kwargs)
        text = answer.text
        for i in range(0, len(text), self.chunk_size):
            meta = dict(answer.response_metadata) if i == 0 else {}
            self.emitted += 1
            yield ChatGenerationChunk(
                message=AIMessageChunk(
                    content=text[i : i + self.chunk_size], response_metadata=meta
                )
            )
