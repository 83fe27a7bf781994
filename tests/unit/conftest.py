"""Unit tests never touch the network."""

from __future__ import annotations

import pytest
from pytest_socket import disable_socket


@pytest.fixture(autouse=True)
def _no_network() -> None:
    # asyncio's self-pipe uses a unix socketpair; everything else is refused.
    disable_socket(allow_unix_socket=True)
