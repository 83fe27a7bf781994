"""Complexity-router quality (RouteLLM's metrics) and latency against baselines.

Run: ``python benchmarks/router.py [--data PATH] [--json PATH]``.

On ``shared/data/router/dev.jsonl`` (RouteLLM's recorded GSM8K and MMLU outcomes of
Mixtral-8x7B and GPT-4) it prints, per benchmark, CPT(50%), CPT(80%) and APGR of:
random routing (its exact expectation), prompt length in characters, LiteLLM's complexity
router (classifier types ``heuristic``, its weighted score, and ``heuristic_v2``, one minus
its cheapest tier's success probability), and hybridchain's `FeatureScorer` evaluated
out of sample: MMLU by whole held-out subjects (7 folds, training on the other subjects
and all of GSM8K), GSM8K by 5 folds (training on the rest and all of MMLU). The shipped
scorer, trained on every row, is shown in-sample for reference only. Latency is the median
per-prompt time of each scorer over the dev prompts. Goals: APGR >= 0.65 on GSM8K and
MMLU out of sample, and at least 4x LiteLLM's heuristic speed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hybridchain.core.complexity import FeatureScorer, apgr, cpt
from hybridchain.core.complexity.train import DEFAULT_DATA, Row, feature_cv_scores, load_rows

BENCHMARKS = ("gsm8k", "mmlu")
TIERS = {"SIMPLE": "weak", "MEDIUM": "weak", "COMPLEX": "strong", "REASONING": "strong"}


def litellm_scorers() -> dict[str, Callable[[str], float]]:
    """LiteLLM's local complexity classifiers, as continuous scores."""
    from litellm.router_strategy.complexity_router import ComplexityRouter

    heuristic = ComplexityRouter(
        model_name="bench",
        litellm_router_instance=None,  # type: ignore[arg-type]  # classify() never uses it
        complexity_router_config={"tiers": TIERS},
    )
    v2 = ComplexityRouter(
        model_name="bench",
        litellm_router_instance=None,  # type: ignore[arg-type]
        complexity_router_config={"tiers": TIERS, "classifier_type": "heuristic_v2"},
    )

    def heuristic_score(prompt: str) -> float:
        return float(heuristic.classify(prompt)[1])

    def v2_score(prompt: str) -> float:
        forecast = v2._classify_with_heuristic_v2(prompt).heuristic_v2_forecast
        assert forecast is not None
        return 1.0 - float(forecast["probabilities"]["SIMPLE"])

    return {"litellm heuristic": heuristic_score, "litellm heuristic_v2": v2_score}


def median_us(score: Callable[[str], float], prompts: Sequence[str]) -> float:
    """Median µs of one call over ``prompts`` (after a warm-up pass over 200)."""
    for prompt in prompts[:200]:
        score(prompt)
    times = []
    clock = time.perf_counter
    for prompt in prompts:
        started = clock()
        score(prompt)
        times.append(clock() - started)
    return statistics.median(times) * 1e6


def evaluate(rows: Sequence[Row], scores: Sequence[float]) -> dict[str, dict[str, float]]:
    """CPT(50%), CPT(80%) and APGR per benchmark."""
    out = {}
    for bench in BENCHMARKS:
        idx = [i for i, r in enumerate(rows) if r.benchmark == bench]
        s = [scores[i] for i in idx]
        weak = [rows[i].weak for i in idx]
        strong = [rows[i].strong for i in idx]
        out[bench] = {
            "cpt50": cpt(s, weak, strong, 0.5),
            "cpt80": cpt(s, weak, strong, 0.8),
            "apgr": apgr(s, weak, strong),
        }
    return out


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="dev.jsonl path")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    rows = load_rows(args.data)
    prompts = [r.prompt for r in rows]
    shipped = FeatureScorer.default()
    callables: dict[str, Callable[[str], float]] = {
        "random": lambda _prompt: 0.0,
        "length (chars)": lambda prompt: float(len(prompt)),
        **litellm_scorers(),
        "FeatureScorer (held-out CV)": shipped.score,
        "FeatureScorer (shipped, in-sample)": shipped.score,
    }
    results: dict[str, dict[str, Any]] = {}
    for name, score in callables.items():
        if name == "FeatureScorer (held-out CV)":
            scores = feature_cv_scores(rows)
        else:
            scores = [score(p) for p in prompts]
        results[name] = {**evaluate(rows, scores), "median_us": median_us(score, prompts)}

    print(
        f"Complexity routing on {args.data.name}: {len(rows)} prompts "
        "(weak: Mixtral-8x7B, strong: GPT-4); random = exact expectation over tie orders"
    )
    header = "".join(f" | {b + ' CPT50':>11} {'CPT80':>6} {'APGR':>6}" for b in BENCHMARKS)
    print(f"{'scorer':<36}{header} | {'µs/prompt':>9}")
    for name, result in results.items():
        cells = "".join(
            f" | {result[b]['cpt50']:>11.1%} {result[b]['cpt80']:>6.1%} {result[b]['apgr']:>6.3f}"
            for b in BENCHMARKS
        )
        print(f"{name:<36}{cells} | {result['median_us']:>9.1f}")

    ours = results["FeatureScorer (held-out CV)"]
    speedup = results["litellm heuristic"]["median_us"] / ours["median_us"]
    goals = {
        "gsm8k_apgr": ours["gsm8k"]["apgr"] >= 0.65,
        "mmlu_apgr": ours["mmlu"]["apgr"] >= 0.65,
        "speed_4x": speedup >= 4.0,
    }
    print(
        f"goals: GSM8K APGR {ours['gsm8k']['apgr']:.3f} >= 0.65 {verdict(goals['gsm8k_apgr'])}; "
        f"MMLU APGR {ours['mmlu']['apgr']:.3f} >= 0.65 {verdict(goals['mmlu_apgr'])}; "
        f"speed {speedup:.1f}x LiteLLM heuristic >= 4x {verdict(goals['speed_4x'])}"
    )
    if args.json:
        args.json.write_text(
            json.dumps({"results": results, "speedup": speedup, "goals": goals}, indent=2) + "\n",
            encoding="utf-8",
        )
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
