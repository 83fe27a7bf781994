"""Planning tools: the local-vs-cloud advisor, VRAM sizing and multi-year cost of ownership.

>>> from hybridchain.planning import SCENARIO_A, estimate_vram, hardware_for
>>> round(SCENARIO_A.report().savings_pct)
67
>>> "RTX 4090 (24 GB)" in [hw.name for hw in hardware_for(estimate_vram("qwen2.5-32b"))]
True
"""

from hybridchain.planning.advisor import (
    DECISION_MATRIX,
    Choice,
    FactorName,
    Lean,
    MatrixRule,
    Recommendation,
    Vote,
    WorkloadProfile,
    advise,
)
from hybridchain.planning.architectures import MODEL_PRESETS, ModelArchitecture, PresetName
from hybridchain.planning.factors import (
    BudgetModel,
    DataSensitivity,
    Deployment,
    LatencyNeed,
    ModelRequirement,
    TeamExpertise,
    Volume,
)
from hybridchain.planning.hardware import HARDWARE, Hardware, HardwareKind, hardware_for
from hybridchain.planning.quantization import (
    BITS_PER_WEIGHT,
    KV_BYTES_PER_ELEMENT,
    KvCacheName,
    KvCacheType,
    Quantization,
    QuantName,
)
from hybridchain.planning.tco import (
    SCENARIO_A,
    CloudCost,
    LocalCost,
    TcoReport,
    TcoScenario,
    TcoYear,
    break_even_daily_volume,
    compare_tco,
)
from hybridchain.planning.vram import (
    DEFAULT_OVERHEAD,
    GIB,
    Overhead,
    VramEstimate,
    estimate_vram,
    kv_cache_bytes,
)

__all__ = [
    "BITS_PER_WEIGHT",
    "DECISION_MATRIX",
    "DEFAULT_OVERHEAD",
    "GIB",
    "HARDWARE",
    "KV_BYTES_PER_ELEMENT",
    "MODEL_PRESETS",
    "SCENARIO_A",
    "BudgetModel",
    "Choice",
    "CloudCost",
    "DataSensitivity",
    "Deployment",
    "FactorName",
    "Hardware",
    "HardwareKind",
    "KvCacheName",
    "KvCacheType",
    "LatencyNeed",
    "Lean",
    "LocalCost",
    "MatrixRule",
    "ModelArchitecture",
    "ModelRequirement",
    "Overhead",
    "PresetName",
    "QuantName",
    "Quantization",
    "Recommendation",
    "TcoReport",
    "TcoScenario",
    "TcoYear",
    "TeamExpertise",
    "Volume",
    "Vote",
    "VramEstimate",
    "WorkloadProfile",
    "advise",
    "break_even_daily_volume",
    "compare_tco",
    "estimate_vram",
    "hardware_for",
    "kv_cache_bytes",
]
