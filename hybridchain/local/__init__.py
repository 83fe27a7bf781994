"""The embedded local model, and clients for any local OpenAI-compatible server.

``LocalServer`` runs Gemma 3 270M under llama.cpp's OpenAI-compatible server (the
``local`` extra). With Ollama, vLLM or LM Studio already running, skip it and point
hybridchain at that server instead::

    from langchain_ollama import ChatOllama

    local = ChatOllama(model="llama3.2")
    local = openai_compatible("http://127.0.0.1:11434/v1", "llama3.2", api_key="ollama")
"""

from hybridchain.local.isolate import IsolatingCallback, isolate
from hybridchain.local.model_file import default_model_path
from hybridchain.local.openai_compat import openai_compatible
from hybridchain.local.process import stop_process_group
from hybridchain.local.server import LocalServer, LocalServerError

__all__ = [
    "IsolatingCallback",
    "LocalServer",
    "LocalServerError",
    "default_model_path",
    "isolate",
    "openai_compatible",
    "stop_process_group",
]
