"""How much GPU (or unified) memory a model needs: weights, KV cache and runtime overhead."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hybridchain.planning.architectures import MODEL_PRESETS, ModelArchitecture, PresetName
from hybridchain.planning.quantization import KvCacheName, KvCacheType, Quantization, QuantName

__all__ = ["DEFAULT_OVERHEAD", "GIB", "Overhead", "VramEstimate", "estimate_vram", "kv_cache_bytes"]

GIB = 2**30
"""Bytes in a GiB: memory sizes here are GiB, as GPU vendors and llama.cpp count them."""


class Overhead(BaseModel):
    """Memory a runtime needs beyond weights and KV cache.

    The fixed part covers the CUDA/Metal context and llama.cpp's compute buffers (typically
    0.3-1 GiB at batch 512); the proportional part covers scratch buffers and fragmentation that
    grow with the model.

    >>> Overhead().gib(weights_gib=10.0)
    0.8
    """

    model_config = ConfigDict(frozen=True)

    fixed_gb: float = Field(default=0.5, ge=0)
    """GiB needed whatever the model."""
    weights_fraction: float = Field(default=0.03, ge=0)
    """Extra share of the weights' size."""

    def gib(self, weights_gib: float) -> float:
        """Return the overhead in GiB for weights of ``weights_gib``."""
        return self.fixed_gb + self.weights_fraction * weights_gib


DEFAULT_OVERHEAD = Overhead()
"""0.5 GiB plus 3 % of the weights."""


class VramEstimate(BaseModel):
    """Memory needed to serve one model, in GiB.

    >>> est = VramEstimate(model="m", quantization=Quantization.Q8_0, context=2048,
    ...                    weights_gb=1.0, kv_cache_gb=0.25, overhead_gb=0.5)
    >>> est.total_gb
    1.75
    """

    model_config = ConfigDict(frozen=True)

    model: str
    """Name of the architecture estimated."""
    quantization: Quantization
    """Weight format."""
    context: int
    """Context length (tokens) the KV cache holds, per sequence."""
    weights_gb: float
    """Weights."""
    kv_cache_gb: float
    """Keys and values for the whole context."""
    overhead_gb: float
    """Runtime context and compute buffers."""

    @property
    def total_gb(self) -> float:
        """Weights, KV cache and overhead together."""
        return self.weights_gb + self.kv_cache_gb + self.overhead_gb


def kv_cache_bytes(
    layers: int,
    kv_heads: int,
    head_dim: int,
    context: int,
    cache_type: KvCacheType | KvCacheName = KvCacheType.F16,
    *,
    sequences: int = 1,
) -> float:
    """Return the KV-cache size: 2 (K and V) × layers × KV heads × head dim × tokens × bytes.

    >>> kv_cache_bytes(32, 8, 128, 8192) / 2**30  # Llama 3.1 8B, 8K context, f16
    1.0
    """
    per_element = KvCacheType(cache_type).bytes_per_element
    return 2 * layers * kv_heads * head_dim * context * sequences * per_element


def _architecture(
    model: ModelArchitecture | PresetName | None,
    params_b: float | None,
    layers: int | None,
    kv_heads: int | None,
    head_dim: int | None,
) -> ModelArchitecture:
    if isinstance(model, str):
        if model not in MODEL_PRESETS:
            raise ValueError(f"unknown model preset {model!r}; known: {', '.join(MODEL_PRESETS)}")
        model = MODEL_PRESETS[model]
    overrides = {
        key: value
        for key, value in (
            ("params_b", params_b),
            ("layers", layers),
            ("kv_heads", kv_heads),
            ("head_dim", head_dim),
        )
        if value is not None
    }
    if model is not None:
        return model.model_copy(update=overrides) if overrides else model
    if len(overrides) < 4:
        raise ValueError("without a preset, give params_b, layers, kv_heads and head_dim")
    return ModelArchitecture.model_validate({"name": f"{params_b:g}B", **overrides})


def estimate_vram(
    model: ModelArchitecture | PresetName | None = None,
    quantization: Quantization | QuantName = Quantization.Q4_K_M,
    *,
    context: int = 4096,
    params_b: float | None = None,
    layers: int | None = None,
    kv_heads: int | None = None,
    head_dim: int | None = None,
    kv_cache: KvCacheType | KvCacheName = KvCacheType.F16,
    sequences: int = 1,
    overhead: Overhead = DEFAULT_OVERHEAD,
) -> VramEstimate:
    """Estimate the memory to serve a model with llama.cpp-style runtimes.

    Name a preset from :data:`MODEL_PRESETS` (keyword arguments override its fields), pass a
    :class:`ModelArchitecture`, or give ``params_b``, ``layers``, ``kv_heads`` and ``head_dim``.

    Args:
        model: A preset name or an architecture; ``None`` to describe one with keywords.
        quantization: Weight format.
        context: Tokens of context per sequence.
        params_b: Weights in billions.
        layers: Transformer blocks.
        kv_heads: Key/value heads per layer.
        head_dim: Size of one attention head.
        kv_cache: KV-cache element type.
        sequences: Sequences served in parallel, each with its own context.
        overhead: Runtime overhead model.

    Returns:
        The estimate, in GiB.

    Raises:
        ValueError: On an unknown preset, or a shape that is incomplete without one.

    >>> est = estimate_vram("llama-3.1-70b", "Q4_K_M", context=8192)
    >>> round(est.weights_gb, 1), round(est.kv_cache_gb, 1), round(est.total_gb, 1)
    (39.8, 2.5, 44.0)
    """
    arch = _architecture(model, params_b, layers, kv_heads, head_dim)
    quant = Quantization(quantization)
    weights = arch.params_b * 1e9 * quant.bits_per_weight / 8 / GIB
    kv = kv_cache_bytes(
        arch.layers, arch.kv_heads, arch.head_dim, context, kv_cache, sequences=sequences
    )
    return VramEstimate(
        model=arch.name,
        quantization=quant,
        context=context,
        weights_gb=weights,
        kv_cache_gb=kv / GIB,
        overhead_gb=overhead.gib(weights),
    )
