"""Fixtures: each entry point in turn (the helpers live in ``fault_drive``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fault_drive import ENTRY_POINTS, Outcome, drive
from langchain_core.runnables import Runnable


@pytest.fixture(params=ENTRY_POINTS)
def how(request: pytest.FixtureRequest) -> str:
    """Each entry point in turn."""
    return str(request.param)


@pytest.fixture
def call(how: str) -> Callable[[Runnable[Any, Any], Any], Outcome]:
    """Call a runnable through the entry point of this test run."""
    return lambda runnable, input: drive(runnable, input, how)
