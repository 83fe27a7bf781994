"""RedisLedger's fallback options are checked when the ledger is built (no server needed)."""

from __future__ import annotations

import pytest

from hybridchain.core.cost import MemoryLedger, RedisLedger


def test_fallback_must_be_a_ledger() -> None:
    with pytest.raises(TypeError, match="fallback must be a Ledger, not dict"):
        RedisLedger(fallback={})  # type: ignore[arg-type]


def test_retry_s_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="retry_s must be >= 0"):
        RedisLedger(fallback=MemoryLedger(), retry_s=-1.0)


def test_a_fresh_ledger_is_not_degraded_and_replays_nothing_without_a_fallback() -> None:
    ledger = RedisLedger()
    assert not ledger.degraded
    assert ledger.replay_fallback() == 0
    ledger.close()
