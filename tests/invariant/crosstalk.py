"""Many concurrent pseudonymized requests on shared components: does any value cross over?

``run_concurrent(n)`` sends ``n`` concurrent ``ainvoke`` calls through gate (pseudonymize)
→ router → models that echo their input (so placeholders come back), with a CostMeter
attached. Every request carries its own values; every request's placeholders have the
same names (``<EMAIL_ADDRESS_1>`` …), so a mapping shared by mistake shows up as another
request's values in an answer. Used by the test and by ``benchmarks/reliability.py``.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatResult
from stdnum import iban, luhn

from hybridchain import ComplexityRouter, CostMeter, LocalCostModel, SensitivityGate
from hybridchain.testing import EchoChatModel

__all__ = ["CrossTalk", "request_values", "run_concurrent"]


class ShuffledEcho(EchoChatModel):
    """An echo model that awaits a random few milliseconds, so that requests interleave."""

    async def _agenerate(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> ChatResult:
        await asyncio.sleep(random.random() * 0.005)
        return self._generate(messages)


def request_values(i: int) -> tuple[str, ...]:
    """The values of request ``i``: an e-mail address, a card number and an IBAN of its own."""
    card = f"4{i:014d}"
    card += luhn.calc_check_digit(card)
    bban = f"37040044{i:010d}"
    return (
        f"client{i:05d}.owner@mail{i}.example.org",
        " ".join(card[k : k + 4] for k in range(0, 16, 4)),
        f"DE{iban.calc_check_digits('DE00' + bban)}{bban}",
    )


@dataclass
class CrossTalk:
    """What ``run_concurrent`` saw."""

    requests: int
    completed: int = 0
    crossed: list[int] = field(default_factory=list)
    """Requests whose answer held a value of another request (or a placeholder)."""
    wrong: list[int] = field(default_factory=list)
    """Requests whose answer was not their own request, restored."""
    raw_seen_by_models: int = 0
    """Model calls that received a raw value (pseudonymize mode: must be 0)."""
    metered: int = 0
    wall_s: float = 0.0


async def run_concurrent(n: int = 1_000) -> CrossTalk:
    """Send ``n`` concurrent requests and check each answer against its own values only."""
    simple = ShuffledEcho(label="local", model_name="llama3")
    strong = ShuffledEcho(label="cloud", model_name="gpt-4o")
    router = ComplexityRouter(local=simple, cloud=strong, threshold=0.3)
    gate = SensitivityGate(local=simple, cloud=router, mode="pseudonymize")
    meter = CostMeter(
        local_models={"llama3": LocalCostModel(hardware_price_usd=2_000, tokens_per_second=50)}
    )
    prompts = [
        "Request {}: write to {} about card {}; refund to {}.".format(i, *request_values(i))
        for i in range(n)
    ]
    started = time.perf_counter()
    answers = await asyncio.gather(
        *(gate.ainvoke(p, config={"callbacks": [meter]}) for p in prompts),
        return_exceptions=True,
    )
    result = CrossTalk(n, wall_s=time.perf_counter() - started)
    # Every value appears in exactly one request; index them once.
    owner = {value: i for i in range(n) for value in request_values(i)}
    for i, answer in enumerate(answers):
        if isinstance(answer, BaseException):
            continue
        result.completed += 1
        text = str(answer.content)
        if text not in (f"local: {prompts[i]}", f"cloud: {prompts[i]}"):
            result.wrong.append(i)
        foreign = [v for v, j in owner.items() if j != i and v in text]
        if foreign or "<" in text:
            result.crossed.append(i)
    sent = [m.text for model in (simple, strong) for call in model.requests for m in call]
    result.raw_seen_by_models = sum(any(v in s for v in owner) for s in sent)
    result.metered = len(meter.ledger.events())
    return result
