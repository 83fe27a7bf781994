"""Shapes of well-known open models: what a VRAM estimate needs to know about them."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["MODEL_PRESETS", "ModelArchitecture", "PresetName"]


class ModelArchitecture(BaseModel):
    """Parameter count and attention shape of a decoder-only transformer.

    >>> arch = ModelArchitecture(name="tiny", params_b=0.5, layers=24, kv_heads=2, head_dim=64)
    >>> arch.kv_elements_per_token
    6144
    """

    model_config = ConfigDict(frozen=True)

    name: str
    """A label for tables and messages."""
    params_b: float = Field(gt=0)
    """Number of weights, in billions."""
    layers: int = Field(gt=0)
    """Number of transformer blocks (``num_hidden_layers``)."""
    kv_heads: int = Field(gt=0)
    """Key/value heads per layer (``num_key_value_heads``; fewer than query heads under GQA)."""
    head_dim: int = Field(gt=0)
    """Size of one attention head (``head_dim``, or hidden size / attention heads)."""

    @property
    def kv_elements_per_token(self) -> int:
        """Keys plus values cached per token, over all layers."""
        return 2 * self.layers * self.kv_heads * self.head_dim


PresetName = Literal[
    "gemma-3-270m",
    "llama-3.2-1b",
    "llama-3.2-3b",
    "mistral-7b",
    "llama-3.1-8b",
    "llama-2-13b",
    "qwen2.5-14b",
    "qwen2.5-32b",
    "codellama-34b",
    "llama-3.1-70b",
]
"""Names of the architectures in :data:`MODEL_PRESETS`."""


def _arch(
    name: PresetName, params_b: float, layers: int, kv_heads: int, head_dim: int
) -> tuple[PresetName, ModelArchitecture]:
    return name, ModelArchitecture(
        name=name, params_b=params_b, layers=layers, kv_heads=kv_heads, head_dim=head_dim
    )


# From each model's Hugging Face config.json (num_hidden_layers, num_key_value_heads, head_dim or
# hidden_size / num_attention_heads) and its reported parameter count. Gemma 3 uses sliding-window
# attention on most layers, so a full-context KV cache is an upper bound for it.
MODEL_PRESETS: Mapping[PresetName, ModelArchitecture] = MappingProxyType(
    dict(
        [
            _arch("gemma-3-270m", 0.268, 18, 1, 256),
            _arch("llama-3.2-1b", 1.24, 16, 8, 64),
            _arch("llama-3.2-3b", 3.21, 28, 8, 128),
            _arch("mistral-7b", 7.25, 32, 8, 128),
            _arch("llama-3.1-8b", 8.03, 32, 8, 128),
            _arch("llama-2-13b", 13.0, 40, 40, 128),
            _arch("qwen2.5-14b", 14.7, 48, 8, 128),
            _arch("qwen2.5-32b", 32.8, 64, 8, 128),
            _arch("codellama-34b", 33.7, 48, 8, 128),
            _arch("llama-3.1-70b", 70.6, 80, 8, 128),
        ]
    )
)
"""Architectures users can name instead of spelling out their shape.

>>> MODEL_PRESETS["llama-3.1-70b"].layers
80
"""
