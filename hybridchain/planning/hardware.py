"""Which machines hold a model: a small table of GPUs and Macs, and the lookup over it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hybridchain.planning.vram import VramEstimate

__all__ = ["HARDWARE", "Hardware", "HardwareKind", "hardware_for"]

HardwareKind = Literal["cpu", "gpu", "multi_gpu", "unified"]
"""``cpu``: system RAM (or an iGPU sharing it); ``gpu``: one card's VRAM; ``multi_gpu``: cards
splitting the layers; ``unified``: Apple silicon memory shared by CPU and GPU."""


class Hardware(BaseModel):
    """A machine and the memory a model may use on it.

    >>> Hardware(name="M1 Pro", memory_gb=16, kind="unified", usable_fraction=0.75).usable_gb
    12.0
    """

    model_config = ConfigDict(frozen=True)

    name: str
    """How people call it."""
    memory_gb: float = Field(gt=0)
    """Installed memory, GiB."""
    kind: HardwareKind
    """What the memory is."""
    usable_fraction: float = Field(default=1.0, gt=0, le=1)
    """Share of the memory a model may take."""

    @property
    def usable_gb(self) -> float:
        """GiB available to the model."""
        return self.memory_gb * self.usable_fraction

    def fits(self, estimate: VramEstimate | float) -> bool:
        """Return whether a model of ``estimate`` (GiB, or an estimate) fits."""
        total = estimate.total_gb if isinstance(estimate, VramEstimate) else estimate
        return total <= self.usable_gb


# Apple silicon: macOS lets the GPU wire about 75 % of unified memory by default (raise it with
# `sysctl iogpu.wired_limit_mb`). CPU/iGPU laptops: Windows caps shared GPU memory at half of RAM,
# and the OS and browser need the rest anyway. A dedicated card's CUDA context is already counted
# in the estimate's overhead, so all of its VRAM counts.
_UNIFIED = 0.75
_SHARED = 0.5


def _gpu(name: str, memory_gb: float, kind: HardwareKind = "gpu") -> Hardware:
    fraction = {"unified": _UNIFIED, "cpu": _SHARED}.get(kind, 1.0)
    return Hardware(name=name, memory_gb=memory_gb, kind=kind, usable_fraction=fraction)


HARDWARE: tuple[Hardware, ...] = (
    _gpu("Laptop (CPU/iGPU, 16 GB RAM)", 16, "cpu"),
    _gpu("MacBook Air M3 (8 GB)", 8, "unified"),
    _gpu("RTX 3060 (12 GB)", 12),
    _gpu("RTX 3080 (10 GB)", 10),
    _gpu("RTX 3080 (12 GB)", 12),
    _gpu("M1 Pro (16 GB)", 16, "unified"),
    _gpu("M1 Pro (32 GB)", 32, "unified"),
    _gpu("M2 Pro (32 GB)", 32, "unified"),
    _gpu("RTX 4090 (24 GB)", 24),
    _gpu("M2 Max (64 GB)", 64, "unified"),
    _gpu("M3 Max (64 GB)", 64, "unified"),
    _gpu("M2 Max (96 GB)", 96, "unified"),
    _gpu("A100 (40 GB)", 40),
    _gpu("RTX A6000 (48 GB)", 48),
    _gpu("2× RTX 4090 (48 GB)", 48, "multi_gpu"),
    _gpu("A100 (80 GB)", 80),
    _gpu("H100 (80 GB)", 80),
)
"""Common machines for local models, from a laptop to a data-centre GPU."""


def hardware_for(
    estimate: VramEstimate | float, catalog: Iterable[Hardware] = HARDWARE
) -> list[Hardware]:
    """Return the machines in ``catalog`` that hold ``estimate``, smallest usable memory first.

    >>> [hw.name for hw in hardware_for(11.0)][:3]
    ['M1 Pro (16 GB)', 'RTX 3060 (12 GB)', 'RTX 3080 (12 GB)']
    """
    fitting = [hw for hw in catalog if hw.fits(estimate)]
    return sorted(fitting, key=lambda hw: (hw.usable_gb, hw.name))
