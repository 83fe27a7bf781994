"""One embedded llama.cpp server for the whole test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hybridchain.local import LocalServer


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    with LocalServer(n_ctx=512) as server:
        yield server
