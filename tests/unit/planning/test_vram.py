from typing import get_args

import pytest

from hybridchain.planning import (
    BITS_PER_WEIGHT,
    GIB,
    MODEL_PRESETS,
    KvCacheName,
    KvCacheType,
    ModelArchitecture,
    Overhead,
    PresetName,
    Quantization,
    QuantName,
    estimate_vram,
    kv_cache_bytes,
)


def test_kv_cache_formula_is_exact() -> None:
    # 2 (K and V) × layers × KV heads × head dim × context × bytes per element
    assert kv_cache_bytes(32, 8, 128, 8192) == 2 * 32 * 8 * 128 * 8192 * 2 == GIB
    assert kv_cache_bytes(80, 8, 128, 8192, "f16") == 2 * 80 * 8 * 128 * 8192 * 2
    assert kv_cache_bytes(40, 40, 128, 4096, KvCacheType.F32) == 2 * 40 * 40 * 128 * 4096 * 4
    assert kv_cache_bytes(32, 8, 128, 8192, "q8_0") == 2 * 32 * 8 * 128 * 8192 * 34 / 32
    assert kv_cache_bytes(32, 8, 128, 8192, "q4_0") == 2 * 32 * 8 * 128 * 8192 * 18 / 32
    assert kv_cache_bytes(32, 8, 128, 8192, sequences=4) == 4 * GIB


def test_estimate_parts() -> None:
    est = estimate_vram("llama-3.1-8b", "Q8_0", context=8192, overhead=Overhead(fixed_gb=1.0))
    assert est.weights_gb == pytest.approx(8.03e9 * 8.5 / 8 / GIB, rel=1e-12)
    assert est.kv_cache_gb == 1.0
    assert est.overhead_gb == pytest.approx(1.0 + 0.03 * est.weights_gb)
    assert est.total_gb == est.weights_gb + est.kv_cache_gb + est.overhead_gb
    assert est.quantization is Quantization.Q8_0
    assert est.model == "llama-3.1-8b"


def test_kv_cache_type_shrinks_cache() -> None:
    f16 = estimate_vram("llama-3.1-70b", context=32768)
    q8 = estimate_vram("llama-3.1-70b", context=32768, kv_cache="q8_0")
    q4 = estimate_vram("llama-3.1-70b", context=32768, kv_cache=KvCacheType.Q4_0)
    assert f16.kv_cache_gb == 10.0
    assert q8.kv_cache_gb == 10.0 * 17 / 32
    assert q4.kv_cache_gb == 10.0 * 9 / 32
    assert f16.weights_gb == q8.weights_gb == q4.weights_gb


def test_custom_shape_and_overrides() -> None:
    custom = estimate_vram(params_b=8.03, layers=32, kv_heads=8, head_dim=128, context=8192)
    preset = estimate_vram("llama-3.1-8b", context=8192)
    assert custom.total_gb == preset.total_gb
    assert custom.model == "8.03B"
    longer = estimate_vram("llama-3.1-8b", context=8192, layers=64)
    assert longer.kv_cache_gb == 2 * preset.kv_cache_gb
    arch = ModelArchitecture(name="mine", params_b=1, layers=2, kv_heads=1, head_dim=64)
    assert estimate_vram(arch).model == "mine"


def test_incomplete_shape_and_unknown_preset_raise() -> None:
    with pytest.raises(ValueError, match="params_b, layers, kv_heads and head_dim"):
        estimate_vram(params_b=7)
    with pytest.raises(ValueError, match="unknown model preset"):
        estimate_vram("gpt-5")  # type: ignore[arg-type]


def test_bits_per_weight_follow_llama_cpp() -> None:
    bits = [q.bits_per_weight for q in Quantization]
    assert set(BITS_PER_WEIGHT) == set(Quantization)
    assert bits == sorted(bits, reverse=True)  # members are listed largest first
    # ggml block sizes: bytes per block × 8 / weights per block
    assert Quantization.Q8_0.bits_per_weight == 34 * 8 / 32
    assert Quantization.Q4_0.bits_per_weight == 18 * 8 / 32
    assert Quantization.Q6_K.bits_per_weight == 210 * 8 / 256
    # K-quant mixes: llama.cpp's quantize table for LLaMA-v1-7B (6,738,415,616 weights), GiB
    for quant, gib in {"Q2_K": 2.63, "Q3_K_M": 3.07, "Q4_K_S": 3.59, "Q4_K_M": 3.80,
                       "Q5_K_S": 4.33, "Q5_K_M": 4.45}.items():  # fmt: skip
        measured = gib * GIB * 8 / 6_738_415_616
        assert Quantization(quant).bits_per_weight == pytest.approx(measured, abs=0.005)


def test_literal_names_match_the_enums() -> None:
    assert list(get_args(QuantName)) == [q.value for q in Quantization]
    assert list(get_args(KvCacheName)) == [k.value for k in KvCacheType]
    assert list(get_args(PresetName)) == list(MODEL_PRESETS)


def test_presets_are_sorted_by_size_and_named_consistently() -> None:
    sizes = [arch.params_b for arch in MODEL_PRESETS.values()]
    assert sizes == sorted(sizes)
    assert all(name == arch.name for name, arch in MODEL_PRESETS.items())
