"""The server starts, fails clearly, and always stops."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hybridchain.local import LocalServer, LocalServerError, stop_process_group

pytestmark = pytest.mark.integration


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    """Running, not a zombie (a container's init may be slow to reap orphans)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_stops_when_the_block_ends() -> None:
    with LocalServer(n_ctx=256) as server:
        port, pid = server.port, server.pid
        assert port is not None and pid is not None
        assert server.running and _port_open(port)
    assert not server.running and server.pid is None
    assert not _alive(pid)
    assert not _port_open(port)


def test_missing_model_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.gguf"
    with pytest.raises(LocalServerError, match=r"model file not found: .*nope\.gguf"):
        LocalServer(missing).start()


def test_server_that_dies_while_starting_reports_its_output(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a gguf file")
    server = LocalServer(junk, startup_timeout=60)
    with pytest.raises(LocalServerError, match="exited with status") as info:
        server.start()
    assert "its last output" in str(info.value)
    assert not server.running


_STUBBORN = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(child.pid, flush=True)
time.sleep(60)
"""


def test_sigterm_ignored_falls_back_to_sigkill_and_kills_children() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _STUBBORN], stdout=subprocess.PIPE, start_new_session=True
    )
    assert proc.stdout is not None
    with proc.stdout:
        child = int(proc.stdout.readline())
        started = time.monotonic()
        assert stop_process_group(proc, grace=0.5) == -9
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)  # the grandchild is reaped by init once killed
    assert not _alive(child)
