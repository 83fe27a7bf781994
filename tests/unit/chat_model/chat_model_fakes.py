"""Socket-free inner models for the ``HybridChatModel`` tests: echo models that accept tools."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

from hybridchain.testing import EchoChatModel


class ToolEchoChatModel(EchoChatModel):
    """An echo model whose ``bind_tools`` makes it answer with a call to the first tool."""

    bound: list[dict[str, Any]] = Field(default_factory=list)
    """Each ``bind_tools`` call: tool names and the bind kwargs (shared with the copies)."""

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        names = [convert_to_openai_tool(t)["function"]["name"] for t in tools]
        self.bound.append({"names": names, "tool_choice": tool_choice, **kwargs})
        # A shallow copy: ``requests`` and ``bound`` stay shared with this instance.
        return self.model_copy(update={"tool_name": names[0]}).bind(**kwargs)
