"""Integration tests start the real servers they need and stop them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hybridchain.testing import RecorderServer


@pytest.fixture
def recorder() -> Iterator[RecorderServer]:
    with RecorderServer() as server:
        yield server
