"""1,000 concurrent pseudonymized requests: all complete, and none sees another's values."""

from __future__ import annotations

import asyncio

from tests.invariant.crosstalk import run_concurrent


def test_a_thousand_concurrent_requests_keep_their_values_apart() -> None:
    result = asyncio.run(run_concurrent(1_000))
    assert result.completed == 1_000
    assert result.wrong == []  # each answer is its own request, restored
    assert result.crossed == []  # no value or placeholder of request i in j's answer
    assert result.raw_seen_by_models == 0  # the models only ever saw placeholders
    assert result.metered == 1_000
