"""Integration tests start the real servers they need and stop them."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator

import pytest

from hybridchain.local import LocalServer
from hybridchain.testing import RecorderServer


@pytest.fixture
def recorder() -> Iterator[RecorderServer]:
    with RecorderServer() as server:
        yield server


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    """One embedded llama.cpp server for the whole test session, shared by every folder."""
    with LocalServer(n_ctx=512) as server:
        yield server


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[RecorderServer, RecorderServer]]:
    """A local and a cloud loopback recorder behind a ``litellm.Router``.

    The local one answers ``local answer`` (its ``reply``); the cloud one echoes.
    """
    with RecorderServer(reply="local answer") as local, RecorderServer() as cloud:
        yield local, cloud


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One event loop per module for async LiteLLM calls.

    LiteLLM caches aiohttp sessions per loop: they are closed on this loop before it closes,
    or a later module that uses LiteLLM collects them and pytest reports an unclosed
    ClientSession.
    """
    loop = asyncio.new_event_loop()
    try:
        yield loop
    finally:
        litellm = sys.modules.get("litellm")  # only a module that used LiteLLM has clients
        if litellm is not None:
            loop.run_until_complete(litellm.close_litellm_async_clients())
        loop.close()
