"""Integration tests start the real servers they need and stop them."""

from __future__ import annotations

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
