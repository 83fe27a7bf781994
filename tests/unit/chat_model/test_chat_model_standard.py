"""LangChain's standard unit suite for ``HybridChatModel``, with socket-free inner models."""

from __future__ import annotations

from typing import Any

from chat_model_fakes import ToolEchoChatModel
from langchain_core.language_models import BaseChatModel
from langchain_tests.unit_tests import ChatModelUnitTests

from hybridchain.langchain.chat_model import HybridChatModel


class TestHybridChatModelStandard(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return HybridChatModel

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {
            "local": ToolEchoChatModel(label="local", model_name="local-echo"),
            "cloud": ToolEchoChatModel(label="cloud", model_name="cloud-echo"),
        }
