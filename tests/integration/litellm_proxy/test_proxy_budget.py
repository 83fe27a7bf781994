"""The real LiteLLM proxy spends a cloud budget and then keeps public requests local.

The guardrail records each proxied call's cost in a SQLite ledger (the ``ledger`` setting)
and reads the ``hybridchain:`` block's budgets from it (see ``conftest.budget_proxy``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from openai import APIError

from hybridchain.core.cost import SQLiteLedger
from hybridchain.local import LocalServer
from hybridchain.testing import RecorderServer
from tests.integration.litellm_proxy.test_litellm_proxy import COMPLEX_ASK, chat

pytestmark = pytest.mark.integration

LEDGER_WAIT_S = 30.0


def cloud_spent(path: Path) -> float:
    ledger = SQLiteLedger(path)
    try:
        return ledger.spent(0.0, route="cloud")
    finally:
        ledger.close()


def test_a_spent_cloud_budget_keeps_the_next_complex_request_local(
    budget_proxy: Any, budget_ledger: Path, cloud: RecorderServer, local_server: LocalServer
) -> None:
    ask = [{"role": "user", "content": COMPLEX_ASK}]
    before = len(cloud.requests)
    answer, base = chat(budget_proxy, ask)
    assert answer == f"cloud: {COMPLEX_ASK}"
    assert base.rstrip("/") == cloud.base_url.rstrip("/")
    assert len(cloud.requests) == before + 1
    # LiteLLM logs the call's cost after answering: wait until the ledger holds it.
    deadline = time.monotonic() + LEDGER_WAIT_S
    while cloud_spent(budget_ledger) <= 0.0:
        if time.monotonic() > deadline:
            pytest.fail(f"the call's cost never reached the ledger:\n{budget_proxy.log_tail()}")
        time.sleep(0.1)
    answer, base = chat(budget_proxy, ask)
    assert base.rstrip("/") == local_server.base_url.rstrip("/")
    assert answer
    assert len(cloud.requests) == before + 1
    # A LiteLLM fallback to the cloud (from a local group that is down) is refused too.
    try:
        _, base = chat(budget_proxy, ask, model="dead-local")
    except APIError:
        pass
    else:
        assert base.rstrip("/") == local_server.base_url.rstrip("/")
    assert len(cloud.requests) == before + 1
