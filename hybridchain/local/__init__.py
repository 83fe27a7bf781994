"""The embedded local model, and clients for any local OpenAI-compatible server."""

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
