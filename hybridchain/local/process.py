"""Stop a child process and everything it started, for sure."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

__all__ = ["free_port", "stop_process_group"]


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port on ``host`` that nothing listens on right now.

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _exited(pid: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``pid`` to exit, without reaping it.

    An exited but unreaped child keeps its pid (and process group id) reserved, so the
    group can still be signalled safely afterwards.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:  # already reaped elsewhere
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_process_group(proc: subprocess.Popen[bytes], grace: float = 5.0) -> int:
    """Stop ``proc`` and its process group; return its exit status.

    ``proc`` must lead its own process group (start it with ``start_new_session=True``).
    It gets SIGTERM, then SIGKILL once ``grace`` seconds pass: a llama.cpp server busy
    generating can ignore SIGTERM. Whatever else is left in the group is killed too.

    >>> import subprocess, sys
    >>> proc = subprocess.Popen(
    ...     [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    ... )
    >>> stop_process_group(proc, grace=1.0)
    -15
    """
    if proc.returncode is not None:
        return proc.returncode
    pgid = proc.pid  # the leader's pid, reserved until it is reaped below
    _signal_group(pgid, signal.SIGTERM)
    _exited(pgid, grace)
    # The leader is gone (unreaped) or ignored SIGTERM: either way kill what is left.
    _signal_group(pgid, signal.SIGKILL)
    return proc.wait()
