"""CostMeter overhead against LangChain's UsageMetadataCallbackHandler, and ledger throughput.

Run: ``python benchmarks/cost.py [--calls N] [--quick]``. Per-call overhead is the time a
handler adds to ``invoke`` on the same fake chat model, over the bare call; the goal is at
most 1.5x the overhead of ``UsageMetadataCallbackHandler``. Ledger throughput comes from
``benchmarks/ledger.py`` in the same run (goal: >= 20,000 events/s with batching).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `benchmarks.ledger` as a script

from langchain_core.callbacks import UsageMetadataCallbackHandler

from hybridchain import CostMeter
from hybridchain.testing import EchoChatModel

PROMPT = "Summarize the quarterly report in three bullet points, please."


def per_call_us(make_config: Callable[[], dict[str, Any]], calls: int, rounds: int) -> float:
    """Median over ``rounds`` of the mean µs per ``invoke``."""
    model = EchoChatModel(model_name="gpt-4o")
    config = make_config()
    for _ in range(50):
        model.invoke(PROMPT, config=config)
    model.requests.clear()
    results = []
    for _ in range(rounds):
        config = make_config()
        started = time.perf_counter()
        for _ in range(calls):
            model.invoke(PROMPT, config=config)
        results.append((time.perf_counter() - started) / calls * 1e6)
        model.requests.clear()
    return statistics.median(results)


def overhead(calls: int, rounds: int) -> dict[str, float]:
    """Per-call µs of the bare call and each handler, measured interleaved."""
    variants: dict[str, Callable[[], dict[str, Any]]] = {
        "bare": lambda: {},
        "UsageMetadataCallbackHandler": lambda: {"callbacks": [UsageMetadataCallbackHandler()]},
        "CostMeter": lambda: {"callbacks": [CostMeter()]},
    }
    samples: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(rounds):  # interleave so that machine noise hits every variant alike
        for name, make in variants.items():
            samples[name].append(per_call_us(make, calls, 1))
    return {k: statistics.median(v) for k, v in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    parser.add_argument("--quick", action="store_true", help="fewer calls and rounds")
    args = parser.parse_args()
    calls, rounds = (300, 3) if args.quick else (args.calls, args.rounds)

    times = overhead(calls, rounds)
    bare = times["bare"]
    print(f"CostMeter overhead per call ({calls} calls x {rounds} rounds, fake chat model)")
    print(f"{'variant':<32} {'µs/call':>9} {'overhead µs':>12}")
    for name, value in times.items():
        print(f"{name:<32} {value:>9.1f} {value - bare:>12.1f}")
    usage = times["UsageMetadataCallbackHandler"] - bare
    meter = times["CostMeter"] - bare
    ratio = meter / usage if usage > 0 else float("inf")
    verdict = "PASS" if ratio <= 1.5 else "FAIL"
    print(
        f"CostMeter / UsageMetadataCallbackHandler overhead: {ratio:.2f}x (goal <= 1.5x: {verdict})"
    )

    try:
        from benchmarks.ledger import main as ledger_main
    except ImportError as exc:  # pragma: no cover - reported, not hidden
        print(f"ledger throughput: not available ({exc})")
        return 1
    print()
    return ledger_main(["--events", "5000", "--single", "500"] if args.quick else [])


if __name__ == "__main__":
    raise SystemExit(main())
