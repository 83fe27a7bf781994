"""The time hybridchain adds per request, over the same chain without it.

Run: ``python benchmarks/overhead.py [--quick]``. Both chains call the same fake chat model,
which sleeps ``--model-ms`` (default 20 ms) like a fast model call. The hybrid chain adds the
gate, the router, the decision records and the CostMeter:
``SensitivityGate(local=m, cloud=ComplexityRouter(local=m, cloud=m))`` with a meter callback.
Measured for sequential ``invoke`` and for 1,000 concurrent ``ainvoke``; goal: the added time
is under 10% of the 20 ms model call.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Iterator
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from langchain_core.runnables import Runnable

from hybridchain import ComplexityRouter, CostMeter, LocalCostModel, SensitivityGate
from hybridchain.testing import EchoChatModel

GPU = LocalCostModel(hardware_price_usd=2_000, tokens_per_second=50)
PROMPTS = (
    "What is the capital of Australia?",
    "Explain the difference between TCP and UDP in two sentences.",
    "Summarize: the quarterly numbers improved across all regions, led by APAC.",
    "Write a haiku about autumn leaves.",
)


class SleepyModel(EchoChatModel):
    """An echo model whose every call takes ``delay_s`` (sync sleep or async sleep)."""

    delay_s: float = 0.02

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        time.sleep(self.delay_s)
        return super()._generate(messages, stop, run_manager, **kwargs)

    async def _agenerate(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> ChatResult:
        await asyncio.sleep(self.delay_s)
        return super()._generate(messages)

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:  # pragma: no cover
        raise NotImplementedError


def chains(delay_s: float) -> dict[str, tuple[Runnable[Any, Any], dict[str, Any]]]:
    bare = SleepyModel(delay_s=delay_s, model_name="gpt-4o")
    model = SleepyModel(delay_s=delay_s, model_name="gpt-4o")
    hybrid = SensitivityGate(local=model, cloud=ComplexityRouter(local=model, cloud=model))
    return {
        "bare chain": (bare, {}),
        "hybridchain (gate+router+meter)": (hybrid, {"callbacks": [CostMeter(local_cost=GPU)]}),
    }


def sequential_ms(chain: Runnable[Any, Any], config: dict[str, Any], n: int) -> float:
    times = []
    for i in range(n):
        started = time.perf_counter()
        chain.invoke(PROMPTS[i % len(PROMPTS)], config=config)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


async def concurrent_s(chain: Runnable[Any, Any], config: dict[str, Any], n: int) -> float:
    started = time.perf_counter()
    await asyncio.gather(
        *(chain.ainvoke(PROMPTS[i % len(PROMPTS)], config=config) for i in range(n))
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-ms", type=float, default=20.0, help="simulated model call")
    parser.add_argument("--calls", type=int, default=200, help="sequential invokes per round")
    parser.add_argument("--concurrent", type=int, default=1000, help="concurrent ainvokes")
    parser.add_argument("--quick", action="store_true", help="fewer calls")
    args = parser.parse_args()
    calls = 40 if args.quick else args.calls
    delay = args.model_ms / 1e3
    built = chains(delay)
    for chain, config in built.values():  # warm up: price map, scorer params, detectors
        sequential_ms(chain, config, 5)

    print(f"overhead over a {args.model_ms:.0f} ms model call (fake chat model)")
    seq = {name: sequential_ms(c, cfg, calls) for name, (c, cfg) in built.items()}
    conc = {
        name: asyncio.run(concurrent_s(c, cfg, args.concurrent)) for name, (c, cfg) in built.items()
    }
    print(f"{'chain':<34} {'invoke median ms':>17} {f'{args.concurrent} x ainvoke s':>18}")
    for name in built:
        print(f"{name:<34} {seq[name]:>17.2f} {conc[name]:>18.2f}")
    bare, hybrid = seq["bare chain"], seq["hybridchain (gate+router+meter)"]
    added = hybrid - bare
    share = added / args.model_ms
    cbare, chyb = conc["bare chain"], conc["hybridchain (gate+router+meter)"]
    per_request_ms = (chyb - cbare) / args.concurrent * 1e3
    print(
        f"invoke: +{added:.2f} ms per request = {share:.1%} of the model call "
        f"(ratio {hybrid / bare:.3f}x)"
    )
    conc_share = per_request_ms / args.model_ms
    print(
        f"{args.concurrent} concurrent ainvoke: +{chyb - cbare:.2f} s in all, "
        f"{per_request_ms:.2f} ms per request = {conc_share:.1%} of the model call "
        f"(wall-time ratio {chyb / cbare:.2f}x: the added work is CPU; model calls overlap)"
    )
    ok = share < 0.10 and conc_share < 0.10
    verdict = "PASS" if ok else "FAIL"
    print(f"goal: added time < 10% of a {args.model_ms:.0f} ms model call: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
