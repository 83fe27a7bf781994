"""Weight and KV-cache quantization formats, with their size per element."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

__all__ = [
    "BITS_PER_WEIGHT",
    "KV_BYTES_PER_ELEMENT",
    "KvCacheName",
    "KvCacheType",
    "QuantName",
    "Quantization",
]


class Quantization(StrEnum):
    """A GGUF weight format, named as ``llama-quantize`` names it.

    >>> Quantization("Q4_K_M").bits_per_weight
    4.84
    """

    F32 = "F32"
    """Full precision."""
    F16 = "F16"
    """Half precision."""
    BF16 = "BF16"
    """bfloat16."""
    Q8_0 = "Q8_0"
    """8-bit blocks; practically lossless."""
    Q6_K = "Q6_K"
    """6-bit k-quant."""
    Q5_K_M = "Q5_K_M"
    """5-bit k-quant mix, medium."""
    Q5_K_S = "Q5_K_S"
    """5-bit k-quant mix, small."""
    Q4_K_M = "Q4_K_M"
    """4-bit k-quant mix, medium: the usual default."""
    Q4_K_S = "Q4_K_S"
    """4-bit k-quant mix, small."""
    Q4_0 = "Q4_0"
    """4-bit blocks (legacy)."""
    Q3_K_M = "Q3_K_M"
    """3-bit k-quant mix, medium."""
    Q2_K = "Q2_K"
    """2-bit k-quant mix; large quality loss."""

    @property
    def bits_per_weight(self) -> float:
        """Average bits one weight takes in a model file of this format."""
        return BITS_PER_WEIGHT[self]


QuantName = Literal[
    "F32", "F16", "BF16", "Q8_0", "Q6_K", "Q5_K_M", "Q5_K_S", "Q4_K_M", "Q4_K_S", "Q4_0", "Q3_K_M",
    "Q2_K",
]  # fmt: skip
"""The names of :class:`Quantization` members, for callers that pass plain strings."""

# Single-type formats: the size of a ggml block (ggml-common.h), e.g. Q8_0 = 34 bytes / 32
# weights = 8.5 bits, Q4_0 = 18 / 32 = 4.5, Q6_K = 210 / 256 = 6.5625.
# K-quant *mixes* keep some tensors at a higher type, so their average is measured, not derived:
# the file sizes llama.cpp's tools/quantize/quantize.cpp lists for LLaMA-v1-7B (6.74 B weights),
# converted as GiB × 2**30 × 8 / weights: Q2_K 2.63G → 3.35, Q3_K_M 3.07G → 3.91,
# Q4_K_S 3.59G → 4.58, Q4_K_M 3.80G → 4.84, Q5_K_S 4.33G → 5.52, Q5_K_M 4.45G → 5.67.
# (The "2.63" often quoted for Q2_K is that file size in GiB, not bits per weight.)
BITS_PER_WEIGHT: Mapping[Quantization, float] = MappingProxyType(
    {
        Quantization.F32: 32.0,
        Quantization.F16: 16.0,
        Quantization.BF16: 16.0,
        Quantization.Q8_0: 8.5,
        Quantization.Q6_K: 6.5625,
        Quantization.Q5_K_M: 5.67,
        Quantization.Q5_K_S: 5.52,
        Quantization.Q4_K_M: 4.84,
        Quantization.Q4_K_S: 4.58,
        Quantization.Q4_0: 4.5,
        Quantization.Q3_K_M: 3.91,
        Quantization.Q2_K: 3.35,
    }
)
"""Bits per weight of each format, as llama.cpp reports them."""


class KvCacheType(StrEnum):
    """Element type of the KV cache (llama.cpp ``--cache-type-k/-v``).

    >>> KvCacheType("q8_0").bytes_per_element
    1.0625
    """

    F32 = "f32"
    """Four bytes per element."""
    F16 = "f16"
    """Two bytes per element: llama.cpp's default."""
    BF16 = "bf16"
    """Two bytes per element."""
    Q8_0 = "q8_0"
    """34-byte blocks of 32 elements."""
    Q4_0 = "q4_0"
    """18-byte blocks of 32 elements."""

    @property
    def bytes_per_element(self) -> float:
        """Bytes one cached key or value element takes."""
        return KV_BYTES_PER_ELEMENT[self]


KvCacheName = Literal["f32", "f16", "bf16", "q8_0", "q4_0"]
"""The values of :class:`KvCacheType` members, for callers that pass plain strings."""

KV_BYTES_PER_ELEMENT: Mapping[KvCacheType, float] = MappingProxyType(
    {
        KvCacheType.F32: 4.0,
        KvCacheType.F16: 2.0,
        KvCacheType.BF16: 2.0,
        KvCacheType.Q8_0: 34 / 32,
        KvCacheType.Q4_0: 18 / 32,
    }
)
"""Bytes per KV-cache element of each cache type (ggml block sizes)."""
