"""Run ``llama_cpp.server`` with llama.cpp's extra weight buffer types turned off.

llama.cpp repacks weights into "extra" buffer types for faster kernels; on CPUs with
Intel AMX that means AMX tiles. In virtual machines that do not grant a thread AMX tile
state, the first matrix multiply dies with SIGSEGV at ``ldtilecfg``
(https://github.com/ggml-org/llama.cpp/issues/20824, fix proposed in
https://github.com/ggml-org/llama.cpp/pull/26954). ``llama_cpp.server`` has no flag for
``llama_model_params.use_extra_bufts``, so this entry point sets it before running the
server with the same command-line arguments::

    python -m hybridchain.local.launch --model model.gguf --port 8080
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["disable_extra_buffer_types", "main"]


def disable_extra_buffer_types() -> None:
    """Make every model llama-cpp-python loads from now on skip extra buffer types."""
    bindings: Any = importlib.import_module("llama_cpp.llama_cpp")
    default = bindings.llama_model_default_params

    def model_params() -> Any:
        params = default()
        params.use_extra_bufts = False
        return params

    # ``Llama.__init__`` looks the function up on this module at call time.
    bindings.llama_model_default_params = model_params


def main() -> None:
    """Run ``python -m llama_cpp.server`` with extra buffer types off."""
    disable_extra_buffer_types()
    importlib.import_module("llama_cpp.server.__main__").main()


if __name__ == "__main__":
    main()
