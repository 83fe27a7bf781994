"""A throwaway Debian ``redis-server`` on a free loopback port, for tests and benchmarks."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hybridchain.errors import HybridchainError, MissingExtraError
from hybridchain.local.process import free_port

__all__ = ["RedisServerError", "redis_server"]

REDIS_SERVER = "/usr/bin/redis-server"


class RedisServerError(HybridchainError):
    """``redis-server`` is missing or did not start."""


@contextmanager
def redis_server(startup_timeout: float = 10.0) -> Iterator[str]:
    """Start ``redis-server`` without persistence; yield its URL; stop it at the end.

    Example::

        with redis_server() as url:
            ledger = RedisLedger(url)

    Raises:
        RedisServerError: If ``redis-server`` is not installed or does not answer in time.
    """
    try:
        import redis
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingExtraError("redis_server", "redis") from exc
    server = shutil.which("redis-server") or REDIS_SERVER
    if not shutil.which(server):
        raise RedisServerError(f"{REDIS_SERVER} is missing: install Debian's redis-server")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    with tempfile.TemporaryDirectory() as tmp:
        args = [server, "--port", str(port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", tmp]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            client = redis.Redis.from_url(url)
            deadline = time.monotonic() + startup_timeout
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RedisServerError(
                            f"redis-server did not start on port {port}"
                        ) from None
                    time.sleep(0.05)
            client.close()
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
