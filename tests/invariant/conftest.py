"""The never-leak suite: one loopback cloud and one event loop per module."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from hybridchain.testing import RecorderServer


@pytest.fixture(scope="module")
def recorder() -> Iterator[RecorderServer]:
    """The loopback cloud every example of a module sends to (reset per example)."""
    with RecorderServer() as server:
        yield server


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One event loop for the async entry points, so cached HTTP clients stay valid."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
