"""Time a call precisely enough to compare n with 4n (the linear-time checks)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

__all__ = ["growth", "seconds_per_call"]


def seconds_per_call(call: Callable[[str], Any], text: str) -> float:
    """Best of three rounds, each repeating the call for at least 10 ms to damp timer noise."""
    best = float("inf")
    for _ in range(3):
        calls, start = 0, time.perf_counter()
        while True:
            call(text)
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= 0.01:
                break
        best = min(best, elapsed / calls)
    return best


def growth(call: Callable[[str], Any], small: str, large: str) -> float:
    """How many times longer ``call`` takes on ``large`` than on ``small`` (GC paused).

    With ``large`` four times ``small``, linear work gives about 4 and quadratic about 16.
    """
    gc.disable()
    try:
        return seconds_per_call(call, large) / seconds_per_call(call, small)
    finally:
        gc.enable()
