"""A real ``redis-server`` for the cost ledger tests, on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hybridchain.testing.redis_server import redis_server


@pytest.fixture
def redis_url() -> Iterator[str]:
    # A missing or failing redis-server raises RedisServerError: the test errors, never skips.
    with redis_server() as url:
        yield url
