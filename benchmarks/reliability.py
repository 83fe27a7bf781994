"""The reliability report: never-leak requests, faults survived, fuzzing, concurrent load.

Run: ``python benchmarks/reliability.py [--quick]`` (a few minutes; ``--quick`` under one).

- **Never leak.** Sensitive requests (generated values in every disguise, realistic prompts
  the detectors were not tuned on), in every place a request holds text, through every entry
  point and along every path, against the loopback recorder cloud (a real OpenAI client).
  A leak is a raw value in what the cloud received, a decision record, run metadata, a log
  line (any logger, DEBUG) or an exception. Each path also has an expected outcome (local
  answer, placeholders only, ``LocalModelUnavailableError``, …): a request that ends
  otherwise is counted as not survived.
- **Faults.** Local model down or killed mid-stream, cloud 429/500/down/timeout (from the
  runs above), a SQLite ledger writer SIGKILLed mid-write, Redis unreachable.
- **Fuzz.** Hypothesis cases through every detector and the scan; the worst scan time per
  KB over fuzzed and known adversarial units repeated to 32 KB (best of three timings).
- **Load.** 1,000 concurrent pseudonymized ``ainvoke`` through gate → router → CostMeter.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_ROOT))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import httpx  # noqa: E402
import openai  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from langchain.agents import create_agent  # noqa: E402
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda  # noqa: E402
from langchain_openai import ChatOpenAI  # noqa: E402

from hybridchain import (  # noqa: E402
    Budget,
    BudgetGuard,
    HybridChatModel,
    LocalModelUnavailableError,
    SensitivityGate,
)
from hybridchain.core.config import load_config  # noqa: E402
from hybridchain.core.cost import CostEvent, MemoryLedger, RedisLedger, SQLiteLedger  # noqa: E402
from hybridchain.core.detect.defaults import default_detectors  # noqa: E402
from hybridchain.core.policy import SensitivityPolicy  # noqa: E402
from hybridchain.core.scan import Scanner  # noqa: E402
from hybridchain.langchain.from_config import hybrid_chain  # noqa: E402
from hybridchain.langchain.middleware import HybridRoutingMiddleware  # noqa: E402
from hybridchain.testing import EchoChatModel, RecorderServer  # noqa: E402
from hybridchain.testing.faults import FaultyChatModel, unreachable_base_url  # noqa: E402
from tests.invariant.crosstalk import run_concurrent  # noqa: E402
from tests.invariant.leak_harness import ENTRY_POINTS, Watch, call, cloud_model, tapped  # noqa: E402
from tests.invariant.leak_harness import text_of as answer_text  # noqa: E402
from tests.invariant.leak_values import (  # noqa: E402
    PLACES,
    Secret,
    conversation,
    corpus_secrets,
    generated_secrets,
)
from tests.unit.fuzz.fuzz_values import fuzz_text, fuzz_unit  # noqa: E402

_REQ = httpx.Request("POST", "http://10.0.0.1/v1/chat/completions")


@dataclass
class Path_:
    """One path: how to build the runnable, the fault to inject, what must happen."""

    build: Callable[[RecorderServer], Runnable[Any, Any]]
    expect: Callable[[Secret, Watch, Any], bool]
    fault: Callable[[RecorderServer], None] | None = None
    entries: tuple[str, ...] = ENTRY_POINTS


def _local_answer(secret: Secret, w: Watch, out: Any) -> bool:
    return w.error is None and answer_text(out).startswith("local: ")


def _nothing_sent(secret: Secret, w: Watch, out: Any) -> bool:
    return _local_answer(secret, w, out) and not w.recorder.requests


def _placeholders(secret: Secret, w: Watch, out: Any) -> bool:
    if not secret.hideable:
        return _nothing_sent(secret, w, out)
    sent = "".join(w.sent())
    return w.error is None and "<" in sent and answer_text(out).startswith("cloud: ")


def _unavailable(secret: Secret, w: Watch, out: Any) -> bool:
    return isinstance(w.error, LocalModelUnavailableError) and not w.recorder.requests


def _fell_back_local(secret: Secret, w: Watch, out: Any) -> bool:
    return w.error is None and "local: " in answer_text(out)


def _gate(mode: str) -> Callable[[RecorderServer], Any]:
    return lambda rec: SensitivityGate(
        local=EchoChatModel(label="local"), cloud=cloud_model(rec), mode=mode
    )


def _escalation(rec: RecorderServer) -> Any:
    config = load_config(
        "hybridchain: {gate: {mode: pseudonymize}, router: {threshold: 1.0}, "
        "escalator: {threshold: 1.0}}"
    )
    return hybrid_chain(config, local=EchoChatModel(label="local"), cloud=cloud_model(rec))


def _local_down(after_chunks: int) -> Callable[[RecorderServer], Any]:
    def build(rec: RecorderServer) -> Any:
        error = openai.APIConnectionError(request=_REQ)
        local = FaultyChatModel(label="local", error=error, after_chunks=after_chunks)
        return SensitivityGate(local=local, cloud=cloud_model(rec))

    return build


def _cloud_client(rec: RecorderServer, **kw: Any) -> Any:
    return SensitivityGate(
        local=EchoChatModel(label="local"), cloud=cloud_model(rec, **kw), mode="pseudonymize"
    )


def _budget(rec: RecorderServer) -> Any:
    spent = BudgetGuard([Budget(limit_usd=0.0, period="day")], MemoryLedger())
    return SensitivityGate(
        local=EchoChatModel(label="local"),
        cloud=cloud_model(rec),
        mode="pseudonymize",
        budget=spent,
    )


def _agent(mode: str) -> Callable[[RecorderServer], Any]:
    """An agent whose model calls ``HybridRoutingMiddleware`` routes: messages → last answer."""

    def build(rec: RecorderServer) -> Any:
        local = EchoChatModel(label="local")
        routing = HybridRoutingMiddleware(local=local, cloud=cloud_model(rec), mode=mode)
        agent = create_agent(model=local, middleware=[routing])

        def run(messages: list[Any], config: RunnableConfig) -> Any:
            return agent.invoke({"messages": messages}, config)["messages"][-1]

        async def arun(messages: list[Any], config: RunnableConfig) -> Any:
            return (await agent.ainvoke({"messages": messages}, config))["messages"][-1]

        return RunnableLambda(run, afunc=arun)

    return build


def _chat_model(mode: str) -> Callable[[RecorderServer], Any]:
    return lambda rec: HybridChatModel(
        local=EchoChatModel(label="local"), cloud=cloud_model(rec), mode=mode
    )


PATHS: dict[str, Path_] = {
    "gate, route": Path_(_gate("route"), _nothing_sent),
    "gate, pseudonymize": Path_(_gate("pseudonymize"), _placeholders),
    "escalation (gate|router|escalator)": Path_(_escalation, _placeholders),
    "local down": Path_(_local_down(0), _unavailable),
    "local killed mid-stream": Path_(
        _local_down(2), _unavailable, entries=("stream", "astream", "astream_events")
    ),
    "cloud 429, 1 retry": Path_(
        lambda rec: _cloud_client(rec, max_retries=1),
        _fell_back_local,
        fault=lambda rec: rec.fail_with(429),
    ),
    "cloud 500, 1 retry": Path_(
        lambda rec: _cloud_client(rec, max_retries=1),
        _fell_back_local,
        fault=lambda rec: rec.fail_with(500),
    ),
    "cloud down": Path_(
        lambda rec: SensitivityGate(
            local=EchoChatModel(label="local"),
            cloud=ChatOpenAI(base_url=unreachable_base_url(), api_key="sk-x", max_retries=0),
            mode="pseudonymize",
        ),
        _fell_back_local,
    ),
    "cloud timeout": Path_(
        lambda rec: _cloud_client(rec, timeout=0.05),
        _fell_back_local,
        fault=lambda rec: rec.delay(0.3),
    ),
    "budget exhausted": Path_(_budget, _nothing_sent),
    "agent middleware, route": Path_(_agent("route"), _nothing_sent),
    "agent middleware, pseudonymize": Path_(_agent("pseudonymize"), _placeholders),
    "HybridChatModel, route": Path_(_chat_model("route"), _nothing_sent),
    "HybridChatModel, pseudonymize": Path_(_chat_model("pseudonymize"), _placeholders),
}
FAULT_PATHS = {
    "local down": "local down",
    "local killed mid-stream": "local killed mid-stream",
    "cloud 429": "cloud 429, 1 retry",
    "cloud 500": "cloud 500, 1 retry",
    "cloud down": "cloud down",
    "cloud timeout": "cloud timeout",
}


@contextmanager
def _fast_retries() -> Iterator[None]:
    """The OpenAI client's retry back-off (0.5 s, 1 s, …) shortened: retries, not waiting."""
    import openai._base_client as base

    old = base.INITIAL_RETRY_DELAY, base.MAX_RETRY_DELAY
    base.INITIAL_RETRY_DELAY, base.MAX_RETRY_DELAY = 0.001, 0.002
    try:
        yield
    finally:
        base.INITIAL_RETRY_DELAY, base.MAX_RETRY_DELAY = old


def _secrets(n: int, seed: int) -> list[Secret]:
    """``n`` sensitive requests: realistic unseen prompts and generated values, mixed."""
    pool: list[Secret] = []

    @settings(max_examples=max(1, n // 2), database=None, derandomize=True, deadline=None)
    @given(secret=generated_secrets())
    def draw(secret: Secret) -> None:
        pool.append(secret)

    draw()
    docs: list[Secret] = []

    @settings(max_examples=200, database=None, derandomize=True, deadline=None)
    @given(secret=corpus_secrets(seed))
    def draw_docs(secret: Secret) -> None:
        docs.append(secret)

    draw_docs()
    rng = random.Random(seed)
    mixed = pool + rng.sample(docs, min(len(docs), n - len(pool)))
    rng.shuffle(mixed)
    return mixed[:n]


@dataclass
class Cell:
    """Requests of one path and entry point."""

    tried: int = 0
    leaks: int = 0
    survived: int = 0


def never_leak(per_cell: int) -> dict[tuple[str, str], Cell]:
    """Run every path through every entry point; count tries, leaks and expected outcomes."""
    cells: dict[tuple[str, str], Cell] = defaultdict(Cell)
    secrets = _secrets(per_cell * 4, seed=11)
    rng = random.Random(3)
    loop = asyncio.new_event_loop()
    with RecorderServer() as rec, tapped() as tap, _fast_retries():
        base = Watch(rec, tap)
        for path_name, path in PATHS.items():
            runnable = path.build(rec)
            for entry in path.entries:
                for k in range(per_cell):
                    secret = secrets[(k * 7 + len(path_name)) % len(secrets)]
                    place = PLACES[rng.randrange(len(PLACES))]
                    w = base.fresh()
                    if path.fault is not None:
                        path.fault(rec)
                    try:
                        out = call(entry, runnable, conversation(secret.text, place), w, loop)
                    finally:
                        rec.clear_faults()
                    cell = cells[path_name, entry]
                    cell.tried += 1
                    try:
                        w.assert_clean(secret)
                    except AssertionError:
                        cell.leaks += 1
                    cell.survived += path.expect(secret, w, out)
    loop.close()
    return cells


def _event(n: int) -> CostEvent:
    return CostEvent(event_id=f"e{n}", timestamp=1.7e9 + n, model="gpt-4o", route="cloud")


def sqlite_kills(rounds: int) -> tuple[int, int, int]:
    """SIGKILL a ledger writer mid-write ``rounds`` times; return (rounds, committed, lost)."""
    writer = _ROOT / "tests" / "integration" / "faults" / "ledger_writer.py"
    committed: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.db"
        for r in range(rounds):
            proc = subprocess.Popen(
                [sys.executable, str(writer), str(path), "sync", str(r * 150)],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert proc.stdout is not None
            for _ in range(40 + 13 * r):
                committed.add(proc.stdout.readline().strip())
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
        with SQLiteLedger(path) as ledger:
            stored = {e.event_id for e in ledger.events()}
    committed.discard("")
    return rounds, len(committed), len(committed - stored)


def redis_unreachable(n: int) -> tuple[int, int]:
    """Write ``n`` events to a Redis nobody serves; return (written, kept by the fallback)."""
    fallback = MemoryLedger()
    port = unreachable_base_url().split(":")[2].split("/")[0]
    ledger = RedisLedger(f"redis://127.0.0.1:{port}/0", fallback=fallback, retry_s=60.0)
    quiet = logging.getLogger("hybridchain")
    level, quiet.level = quiet.level, logging.ERROR
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(n):
            ledger.record(_event(i))
    quiet.setLevel(level)
    return n, fallback.totals().events


def fuzz(cases: int) -> tuple[int, int]:
    """Run ``cases`` hypothesis cases through every detector and the scan; count failures."""
    policy = SensitivityPolicy(keywords={"Project Falcon": "restricted"}, deny_list=["Zephyr"])
    scanner = Scanner(default_detectors(policy), policy)
    ran, failures = [0], [0]

    @settings(
        max_examples=cases,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(text=fuzz_text)
    def one(text: str) -> None:
        ran[0] += 1
        try:
            found, failed = scanner.scan_text(text)
            assert not failed
            assert all(0 <= f.start < f.end <= len(text) for f in found)
        except Exception:
            failures[0] += 1

    one()
    return ran[0], failures[0]


_ADVERSARIAL = (
    "1 ", "a@", "1.", "1-", "::", "a:", "+1 ", "(1) ", "GB82 ", "Dear ", "Name: ", "Dr. ",
    "-----BEGIN ", "password=", "eyJ", "1 Main ", "a,b\n", "x'", "| a | b |\n", "4111 ",
    "I E 3 8 ", "\u200b1", "\uff11 ", "[at] ", " dot ", "Hauptstraße 5 ", "Ship to:\n",
)  # fmt: skip


def worst_us_per_kb(units: int) -> tuple[float, str, float]:
    """Worst and median scan µs/KB over known and fuzzed units repeated to 32 KB."""
    scanner = Scanner(default_detectors(), SensitivityPolicy())
    candidates = list(_ADVERSARIAL)

    @settings(max_examples=units, database=None, derandomize=True, deadline=None)
    @given(unit=fuzz_unit)
    def collect(unit: str) -> None:
        candidates.append(unit)

    collect()
    rates: list[tuple[float, str]] = []
    for unit in candidates:
        text = (unit * (32_768 // len(unit) + 1))[:32_768]
        best = min(_timed(scanner.scan_text, text) for _ in range(3))
        rates.append((best * 1e6 / (len(text.encode()) / 1024), unit))
    rates.sort()
    return rates[-1][0], rates[-1][1], rates[len(rates) // 2][0]


def _timed(fn: Callable[[str], Any], text: str) -> float:
    started = time.perf_counter()
    fn(text)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and fuzz cases")
    args = parser.parse_args()
    per_cell = 3 if args.quick else 25
    started = time.perf_counter()

    cells = never_leak(per_cell)
    print(f"Never leak: {per_cell} sensitive requests per entry point and path")
    header = f"{'path':34} " + " ".join(ENTRY_POINTS)
    print(header + f" {'leaks':>6} {'survived':>9}")
    print("-" * len(header + "  leaks  survived"))
    total = Cell()
    for path_name in PATHS:
        row = [cells.get((path_name, e)) for e in ENTRY_POINTS]
        shown = " ".join(
            f"{c.tried if c else '-':>{len(e)}}" for c, e in zip(row, ENTRY_POINTS, strict=True)
        )
        leaks = sum(c.leaks for c in row if c)
        survived = sum(c.survived for c in row if c)
        tried = sum(c.tried for c in row if c)
        total.tried, total.leaks, total.survived = (
            total.tried + tried,
            total.leaks + leaks,
            total.survived + survived,
        )
        print(f"{path_name:34} {shown} {leaks:>6} {survived:>5}/{tried:<4}")
    print(
        f"total: {total.tried} requests, {total.leaks} leaks, "
        f"{total.survived}/{total.tried} with the expected outcome"
    )

    print("\nFaults injected and survived")
    for fault, path_name in FAULT_PATHS.items():
        row = [c for (p, _e), c in cells.items() if p == path_name]
        tried, ok = sum(c.tried for c in row), sum(c.survived for c in row)
        leaks = sum(c.leaks for c in row)
        print(f"{fault:28} injected {tried:>5}  survived {ok:>5}  leaks {leaks}")
    rounds, committed, lost = sqlite_kills(2 if args.quick else 5)
    print(
        f"{'SQLite writer SIGKILLed':28} injected {rounds:>5}  survived {rounds - bool(lost):>5}  "
        f"({committed} committed events, {lost} lost)"
    )
    try:
        written, kept = redis_unreachable(200)
    except Exception as exc:  # the redis client may be missing
        print(f"{'Redis unreachable':28} not measured ({type(exc).__name__})")
    else:
        print(
            f"{'Redis unreachable':28} injected {1:>5}  survived {int(kept == written):>5}  "
            f"({kept}/{written} events kept by the fallback ledger)"
        )

    cases, failures = fuzz(300 if args.quick else 3_000)
    worst, unit, median = worst_us_per_kb(20 if args.quick else 150)
    print("\nFuzz")
    print(f"hypothesis cases through every detector and the scan: {cases}, failures: {failures}")
    print(
        f"scan time over {len(_ADVERSARIAL)} adversarial + fuzzed units repeated to 32 KB: "
        f"worst {worst:,.0f} µs/KB (unit {unit!r}), median {median:,.0f} µs/KB"
    )

    result = asyncio.run(run_concurrent(1_000))
    print("\nConcurrent load (gate pseudonymize → router → CostMeter, echo models)")
    print(
        f"{result.requests} concurrent ainvoke: {result.completed} completed, "
        f"cross-talk {len(result.crossed)}, wrong answers {len(result.wrong)}, "
        f"raw values seen by models {result.raw_seen_by_models}, metered {result.metered}, "
        f"wall {result.wall_s:.2f} s"
    )
    print(f"\n(run took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
