"""The seed's "Model Size to Hardware Mapping" table, row by row.

The seed gives sizes, not formats; its numbers match 4-bit k-quants (Q4_K_M, the llama.cpp and
Ollama default) with a few thousand tokens of f16 KV cache. Its two 70B rows differ in format:
"70B" (40-48 GB) is Q4_K_M at 8K context, "70B (Q4)" (35-40 GB) the leaner Q4_0 at 2K.
"""

import pytest

from hybridchain.planning import (
    HARDWARE,
    MODEL_PRESETS,
    Hardware,
    PresetName,
    QuantName,
    estimate_vram,
    hardware_for,
)

SEED_ROWS: list[tuple[str, PresetName, QuantName, int, tuple[float, float], list[str]]] = [
    ("1-3B", "llama-3.2-1b", "F16", 4096, (2, 4), ["Laptop (CPU/iGPU, 16 GB RAM)"]),
    ("1-3B", "llama-3.2-3b", "Q4_K_M", 4096, (2, 4), ["Laptop (CPU/iGPU, 16 GB RAM)"]),
    ("7-8B", "llama-3.1-8b", "Q4_K_M", 8192, (6, 8), ["RTX 3060 (12 GB)", "M1 Pro (16 GB)"]),
    ("7-8B", "mistral-7b", "Q5_K_M", 8192, (6, 8), ["RTX 3060 (12 GB)", "M1 Pro (16 GB)"]),
    ("13B", "llama-2-13b", "Q4_K_M", 4096, (10, 12), ["RTX 3080 (12 GB)", "M2 Pro (32 GB)"]),
    ("30-34B", "qwen2.5-32b", "Q4_K_M", 4096, (20, 24), ["RTX 4090 (24 GB)", "M2 Max (64 GB)"]),
    ("30-34B", "codellama-34b", "Q4_K_M", 4096, (20, 24), ["RTX 4090 (24 GB)", "M2 Max (64 GB)"]),
    ("70B", "llama-3.1-70b", "Q4_K_M", 8192, (40, 48), ["2× RTX 4090 (48 GB)", "A100 (80 GB)"]),
    (
        "70B (Q4)",
        "llama-3.1-70b",
        "Q4_0",
        2048,
        (35, 40),
        ["A100 (40 GB)", "2× RTX 4090 (48 GB)", "M3 Max (64 GB)", "RTX A6000 (48 GB)"],
    ),
]


@pytest.mark.parametrize(("row", "model", "quant", "context", "needed", "hardware"), SEED_ROWS)
def test_seed_hardware_table(
    row: str,
    model: PresetName,
    quant: QuantName,
    context: int,
    needed: tuple[float, float],
    hardware: list[str],
) -> None:
    est = estimate_vram(model, quant, context=context)
    low, high = needed
    assert low <= est.total_gb <= high, f"{row}: {est.total_gb:.2f} GiB"
    fitting = [hw.name for hw in hardware_for(est)]
    assert set(hardware) <= set(fitting)


def _names(model: PresetName, quant: QuantName = "Q4_K_M", context: int = 4096) -> set[str]:
    return {hw.name for hw in hardware_for(estimate_vram(model, quant, context=context))}


def test_larger_rows_do_not_fit_smaller_hardware() -> None:
    assert "RTX 3080 (10 GB)" not in _names("llama-2-13b")
    assert "RTX 3080 (12 GB)" not in _names("qwen2.5-32b")
    assert "RTX 4090 (24 GB)" not in _names("llama-3.1-70b", "Q4_0", 2048)
    assert "A100 (40 GB)" not in _names("llama-3.1-70b", "Q4_K_M", 8192)
    assert "Laptop (CPU/iGPU, 16 GB RAM)" not in _names("qwen2.5-14b")


def test_seed_reference_lines() -> None:
    # "MacBook Air M3: up to 8B models"; "MacBook Pro M3 Max: up to 70B quantized"
    assert "MacBook Air M3 (8 GB)" in _names("llama-3.1-8b")
    assert "MacBook Air M3 (8 GB)" not in _names("llama-2-13b")
    assert "M3 Max (64 GB)" in _names("llama-3.1-70b", "Q4_K_M", 8192)
    # "Cloud GPU (A100): any model size" — at 8-bit, with 8K context
    for name in MODEL_PRESETS:
        assert "A100 (80 GB)" in _names(name, "Q8_0", 8192)


def test_hardware_for_orders_and_filters() -> None:
    fits = hardware_for(20.0)
    usable = [hw.usable_gb for hw in fits]
    assert usable == sorted(usable)
    assert all(hw.usable_gb >= 20.0 for hw in fits)
    assert hardware_for(1000.0) == []
    mine = Hardware(name="box", memory_gb=10, kind="gpu")
    assert hardware_for(9.5, [mine]) == [mine]


def test_unified_memory_counts_three_quarters() -> None:
    m1 = next(hw for hw in HARDWARE if hw.name == "M1 Pro (16 GB)")
    assert m1.usable_gb == 12.0
    assert m1.fits(12.0) and not m1.fits(12.01)
