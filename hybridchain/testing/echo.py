"""Deterministic stand-in chat models for tests and demos: they record what they were sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LangSmithParams
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

__all__ = ["EchoChatModel"]


def _text(message: BaseMessage) -> str:
    return message.text if isinstance(message.text, str) else str(message.text)


class EchoChatModel(BaseChatModel):
    """A chat model that answers ``<label>: <last message text>`` and records every request.

    ``requests`` holds the messages each call received, so a test can assert
    exactly what a model was sent.

    Example:
        >>> model = EchoChatModel(label="cloud")
        >>> model.invoke("hi").content
        'cloud: hi'
        >>> model.requests[0][0].content
        'hi'
    """

    label: str = "echo"
    """Prefix of every answer, naming the model."""
    model_name: str = "echo"
    """Model name reported in ``response_metadata`` and run metadata."""
    reply: str | None = None
    """Fixed answer text; ``None`` echoes the last message."""
    tool_name: str | None = None
    """When set, answer with a call to this tool whose ``text`` argument is the echo."""
    chunk_size: int = 4
    """Characters per streamed chunk."""
    requests: list[list[BaseMessage]] = Field(default_factory=list)
    """Messages received by each call, in order."""

    @property
    def _llm_type(self) -> str:
        return "hybridchain-echo"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name}

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = super()._get_ls_params(stop=stop, **kwargs)
        params["ls_provider"] = "hybridchain-echo"
        params["ls_model_name"] = self.model_name
        return params

    def _answer(self, messages: list[BaseMessage]) -> AIMessage:
        self.requests.append(list(messages))
        text = self.reply if self.reply is not None else f"{self.label}: {_text(messages[-1])}"
        usage = {
            "input_tokens": sum(len(_text(m).split()) for m in messages),
            "output_tokens": len(text.split()),
            "total_tokens": 0,
        }
        usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
        if self.tool_name is not None:
            return AIMessage(
                content="",
                tool_calls=[{"name": self.tool_name, "args": {"text": text}, "id": "call_1"}],
                usage_metadata=usage,
                response_metadata={"model_name": self.model_name},
            )
        return AIMessage(
            content=text, usage_metadata=usage, response_metadata={"model_name": self.model_name}
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._answer(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        answer = self._answer(messages)
        size = max(1, self.chunk_size)
        if answer.tool_calls:
            args = json.dumps(answer.tool_calls[0]["args"])
            for i in range(0, len(args), size):
                yield ChatGenerationChunk(
                    message=AIMessageChunk(
                        content="",
                        tool_call_chunks=[
                            {
                                "name": self.tool_name if i == 0 else None,
                                "args": args[i : i + size],
                                "id": "call_1" if i == 0 else None,
                                "index": 0,
                                "type": "tool_call_chunk",
                            }
                        ],
                    )
                )
            return
        text = answer.text
        for i in range(0, len(text), size):
            yield ChatGenerationChunk(message=AIMessageChunk(content=text[i : i + size]))
