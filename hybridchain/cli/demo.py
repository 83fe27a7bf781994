"""``hybridchain demo``: mixed prompts through gate → router → escalator, with costs.

The local model is the embedded one (Gemma 3 270M on llama.cpp, started here) unless
``--local-base-url`` points at another OpenAI-compatible server (Ollama, vLLM, LM Studio).
The cloud model is OpenAI's when ``OPENAI_API_KEY`` is set; otherwise a loopback stand-in
that records exactly what would have been sent, and the table says so.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import Runnable
from pydantic import SecretStr

from hybridchain.core.cost.local import LocalCostModel
from hybridchain.core.decision import EVENT_NAME
from hybridchain.errors import HybridchainError
from hybridchain.langchain.cost_meter import CostMeter
from hybridchain.langchain.escalator import ConfidenceEscalator
from hybridchain.langchain.gate import GateMode, SensitivityGate
from hybridchain.langchain.router import ComplexityRouter

__all__ = ["SAMPLE_PROMPTS", "DemoOptions", "run_demo"]

SAMPLE_PROMPTS: tuple[str, ...] = (
    "What is the capital of Australia?",
    "Name a primary colour.",
    "Dear Maria Gonzalez, your refund for card 4111 1111 1111 1111 is on its way.",
    "Patient: John Smith, DOB 03/14/1985, MRN 00482913. Summarize the discharge note.",
    "Why does this fail? DATABASE_URL=postgres://admin:S3cr3t!pw@db.internal:5432/app",
    "Design a fault-tolerant distributed job scheduler with exactly-once semantics, prove "
    "that no job runs twice under network partitions, and analyse its worst-case latency.",
    "CONFIDENTIAL - Q3 board memo: summarize the acquisition plan and its risks in detail.",
    "Reply to ann.lee [at] example [dot] org about her order #88231.",
    "Write a haiku about autumn leaves.",
    "Derive the closed form of the sum of the first n cubes and prove it by induction, "
    "then explain how the proof generalizes to sums of k-th powers.",
)
"""Built-in mixed prompts: public and confidential, simple and complex."""

CLOUD_MODEL = "gpt-4o"
LAPTOP = LocalCostModel(
    hardware_price_usd=1_500,
    amortization_years=3,
    power_watts=65,
    electricity_usd_per_kwh=0.15,
    utilization=0.2,
    tokens_per_second=25,
)


@dataclass
class DemoOptions:
    """What the demo runs on."""

    mode: GateMode = "route"
    """The gate's mode."""
    local_base_url: str | None = None
    """An OpenAI-compatible local server to use instead of the embedded one."""
    local_model: str = "llama3.2"
    """Model name on ``local_base_url``."""
    stand_in_local: bool = False
    """Use a stand-in for the local model too (no llama.cpp needed; for quick checks)."""
    max_tokens: int = 8
    """Output tokens asked of the local model."""
    prompts: tuple[str, ...] = SAMPLE_PROMPTS
    """The prompts."""


class _Decisions(BaseCallbackHandler):
    """Collects the decision events of one request (a plain class: handlers must hash)."""

    run_inline = True

    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []

    def on_custom_event(self, name: str, data: Any, *, run_id: UUID, **kwargs: Any) -> None:
        if name == EVENT_NAME:
            self.events.append(data)


@contextmanager
def _models(options: DemoOptions, out: Any) -> Iterator[tuple[Runnable[Any, Any], Any, Any, str]]:
    """Yield (local, scored local, cloud, cloud label); stops what it started."""
    from hybridchain.testing import EchoChatModel, RecorderServer

    with ExitStack() as stack:
        if options.stand_in_local:
            local: Any = EchoChatModel(label="local", model_name="stand-in-local")
            scored: Any = local
        elif options.local_base_url:
            from hybridchain.local import openai_compatible

            local = openai_compatible(
                options.local_base_url, options.local_model, max_tokens=options.max_tokens
            )
            scored = local
        else:
            from hybridchain.local import LocalServer

            print("starting the embedded local model (Gemma 3 270M, llama.cpp)…", file=out)
            server = stack.enter_context(LocalServer())
            local = server.chat_model(max_tokens=options.max_tokens)
            scored = server.chat_model(max_tokens=options.max_tokens, logprobs=True, top_logprobs=5)
        if os.environ.get("OPENAI_API_KEY"):
            from langchain_openai import ChatOpenAI

            yield local, scored, ChatOpenAI(model=CLOUD_MODEL, max_retries=1), "OpenAI"
            return
        recorder = stack.enter_context(RecorderServer())
        from langchain_openai import ChatOpenAI

        cloud = ChatOpenAI(
            base_url=recorder.base_url,
            api_key=SecretStr("stand-in"),
            model=CLOUD_MODEL,
            max_retries=0,
        )
        cloud_label = "loopback stand-in (records what would have been sent; nothing leaves)"
        yield local, scored, cloud, cloud_label


def _last(events: list[dict[str, Any]], component: str) -> dict[str, Any] | None:
    found = [e for e in events if e.get("component") == component]
    return found[-1] if found else None


def _progress(i: int, n: int, out: Any) -> None:
    width = 24
    done = int(width * i / n)
    out.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{n}")
    out.flush()
    if i == n:
        out.write("\n")


def run_demo(options: DemoOptions | None = None, out: Any = None) -> int:
    """Run the demo and print a table per prompt and a summary; returns the exit status."""
    options = options or DemoOptions()
    out = out or sys.stdout
    try:
        with _models(options, out) as (local, scored, cloud, cloud_label):
            return _run(options, local, scored, cloud, cloud_label, out)
    except HybridchainError as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1


def _run(
    options: DemoOptions, local: Any, scored: Any, cloud: Any, cloud_label: str, out: Any
) -> int:
    escalator = ConfidenceEscalator(local=scored, cloud=cloud, threshold=0.5)
    router = ComplexityRouter(local=escalator, cloud=cloud)
    gate = SensitivityGate(local=local, cloud=router, mode=options.mode)
    local_name = getattr(local, "model_name", "local")
    meter = CostMeter(
        local_models={local_name: LAPTOP, "stand-in-local": LAPTOP}, counterfactual=CLOUD_MODEL
    )
    print(f"cloud: {CLOUD_MODEL} via {cloud_label}", file=out)
    rows = []
    n = len(options.prompts)
    for i, prompt in enumerate(options.prompts):
        _progress(i, n, sys.stderr)
        events = _Decisions()
        before = len(meter.ledger.events())
        started = time.perf_counter()
        try:
            gate.invoke(prompt, config={"callbacks": [meter, events]})
            error = ""
        except HybridchainError as exc:
            error = type(exc).__name__
        latency = time.perf_counter() - started
        calls = meter.ledger.events()[before:]
        rows.append(_row(i + 1, events.events, calls, latency, error))
    _progress(n, n, sys.stderr)
    _print_table(rows, out)
    report = meter.report()
    saved = report.savings_usd or 0.0
    cf = report.counterfactual_usd or 0.0
    answered_local = sum(r["target"] == "local" for r in rows)
    local_calls = report.by_route["local"].events if "local" in report.by_route else 0
    print(
        f"\n{answered_local}/{n} prompts answered locally; {local_calls} of "
        f"{report.total.events} model calls ran locally (escalated attempts included).",
        file=out,
    )
    if cf:
        print(
            f"cost ${report.cost_usd:.6f} against ${cf:.6f} with every call on {CLOUD_MODEL}: "
            f"saved ${saved:.6f} ({saved / cf:.0%}).",
            file=out,
        )
    return 0


def _row(
    index: int, events: list[dict[str, Any]], calls: list[Any], latency: float, error: str
) -> dict[str, str]:
    gate = _last(events, "gate") or {}
    router = _last(events, "router") or {}
    # The escalator's assessed tier (the last tier answers unassessed).
    assessed = [
        e for e in events if e.get("component") == "escalator" and e.get("confidence") is not None
    ]
    escalator = assessed[-1] if assessed else {}
    final = events[-1] if events else {}
    reason = ((escalator or final).get("reasons") or [""])[-1]
    return {
        "#": str(index),
        "target": "blocked" if error else str(final.get("target", "?")),
        "by": str(final.get("component", "?")),
        "sensitivity": str(gate.get("sensitivity", "?")),
        "complexity": "-" if router.get("complexity") is None else f"{router['complexity']:.2f}",
        "confidence": "-"
        if escalator.get("confidence") is None
        else f"{escalator['confidence']:.2f}",
        "latency": f"{latency:.2f}s",
        "tokens": str(sum(c.input_tokens + c.output_tokens for c in calls)),
        "cost": f"${sum(c.cost_usd for c in calls):.6f}",
        "reason": error or reason[:60],
    }


def _print_table(rows: list[dict[str, str]], out: Any) -> None:
    headers = list(rows[0])
    widths = {h: max(len(h), *(len(r[h]) for r in rows)) for h in headers}
    print("  ".join(h.ljust(widths[h]) for h in headers), file=out)
    for r in rows:
        print("  ".join(r[h].ljust(widths[h]) for h in headers), file=out)
