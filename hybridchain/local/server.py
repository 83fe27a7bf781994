"""The embedded local model: llama.cpp's OpenAI-compatible server, started and stopped.

``LocalServer`` runs ``python -m llama_cpp.server`` (from ``llama-cpp-python[server]``)
on a free loopback port with Gemma 3 270M Q4_K_M, waits until it answers, and stops it
and anything it started when the ``with`` block ends or the interpreter exits.
"""

from __future__ import annotations

import atexit
import importlib.util
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from hybridchain.errors import HybridchainError, MissingExtraError
from hybridchain.local.isolate import IsolatingCallback, isolate
from hybridchain.local.model_file import default_model_path
from hybridchain.local.openai_compat import openai_compatible
from hybridchain.local.process import free_port, stop_process_group

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

__all__ = ["LocalServer", "LocalServerError"]

_SERVER_MODULES = ("llama_cpp", "uvicorn", "sse_starlette")


class LocalServerError(HybridchainError):
    """The local model server could not start, or stopped answering."""


class LocalServer:
    """Runs the embedded local model as an OpenAI-compatible server on loopback.

    Gemma 3 270M is a small base model: fast to load (a second or two), fine for routing
    demos and tests, weak at hard questions. Token log-probabilities cost time on this
    server (about half a second per token), so ask for few tokens when you need them.

    >>> LocalServer("gemma.gguf", port=8080).base_url
    'http://127.0.0.1:8080/v1'

    Example::

        with LocalServer() as server:
            print(server.base_url)  # http://127.0.0.1:PORT/v1
            chat = server.chat_model(max_tokens=8)
            print(chat.invoke("Name a primary colour.").content)
            scored = server.chat_model(max_tokens=4, logprobs=True)
            message = scored.invoke("Is water wet? Answer yes or no.")
            print(message.response_metadata["logprobs"]["content"][0]["logprob"])
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        port: int | None = None,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        chat_format: str = "gemma",
        model_alias: str | None = None,
        extra_args: Sequence[str] = (),
        startup_timeout: float = 120.0,
        stop_grace: float = 5.0,
        extra_buffer_types: bool = False,
        capture_output: bool = True,
    ) -> None:
        self.model_path = None if model_path is None else Path(model_path)
        """GGUF weights; ``None`` uses Gemma 3 270M Q4_K_M from the ``local`` extra."""
        self.port = port
        """Loopback port; ``None`` picks a free one at start."""
        self.n_ctx = n_ctx
        """Context window in tokens, prompt and answer together."""
        self.n_threads = n_threads
        """CPU threads for generation; ``None`` leaves llama.cpp's default (half the cores)."""
        self.chat_format = chat_format
        """llama.cpp chat template; Gemma's GGUF needs ``gemma``."""
        self.model_alias = model_alias
        """Model name the server answers to; ``None`` uses the GGUF file's stem."""
        self.extra_args = tuple(extra_args)
        """More ``llama_cpp.server`` flags, e.g. ``("--n_batch", "256")``."""
        self.startup_timeout = startup_timeout
        """Seconds to wait for the server to answer before giving up."""
        self.stop_grace = stop_grace
        """Seconds between SIGTERM and SIGKILL when stopping."""
        self.extra_buffer_types = extra_buffer_types
        """Let llama.cpp repack weights into AMX/AVX-512 buffers. Off by default: its AMX
        kernels crash in VMs without AMX tile state (see :mod:`hybridchain.local.launch`)."""
        self.capture_output = capture_output
        """Keep the server's output in a temporary file (shown on failure) instead of the
        terminal."""
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> LocalServer:
        """Start the server and wait until it answers; return ``self``.

        Raises:
            MissingExtraError: ``llama-cpp-python[server]`` or the model is not installed.
            LocalServerError: the model file is missing, the server exited, or it did not
                answer within ``startup_timeout``; the message ends with its last output.
        """
        if self._process is not None:
            raise LocalServerError("the server is already running")
        if any(importlib.util.find_spec(name) is None for name in _SERVER_MODULES):
            raise MissingExtraError("the embedded local model server", "local")
        path = self.model_path if self.model_path is not None else default_model_path()
        if not path.is_file():
            raise LocalServerError(f"model file not found: {path}")
        self.model_path = path
        if self.port is None:
            self.port = free_port()
        if self.model_alias is None:
            self.model_alias = path.stem
        self._log = tempfile.TemporaryFile() if self.capture_output else None
        self._process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT if self._log is not None else None,
            start_new_session=True,  # its own process group: stop() kills its children too
        )
        atexit.register(self.stop)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def command(self) -> list[str]:
        """The command line that runs the server (known once ``start`` picked a port)."""
        module = "llama_cpp.server" if self.extra_buffer_types else "hybridchain.local.launch"
        args = [
            sys.executable,
            "-m",
            module,
            "--model",
            str(self.model_path),
            "--model_alias",
            str(self.model_alias),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--chat_format",
            self.chat_format,
            "--n_ctx",
            str(self.n_ctx),
        ]
        if self.n_threads is not None:
            args += ["--n_threads", str(self.n_threads)]
        return args + list(self.extra_args)

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.startup_timeout
        while True:
            code = self._process.poll()
            if code is not None:
                raise LocalServerError(
                    f"llama.cpp server exited with status {code} while starting"
                    f"{self._tail_for_error()}"
                )
            if self._answers():
                return
            if time.monotonic() > deadline:
                raise LocalServerError(
                    f"llama.cpp server did not answer within {self.startup_timeout:g} s"
                    f"{self._tail_for_error()}"
                )
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.base_url + "/models", timeout=2.0) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def stop(self) -> int | None:
        """Stop the server (SIGTERM, then SIGKILL); return its exit status, if it ran."""
        atexit.unregister(self.stop)
        process, self._process = self._process, None
        code = None if process is None else stop_process_group(process, self.stop_grace)
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- state -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The server's process id (and process group id) while it runs."""
        return None if self._process is None else self._process.pid

    @property
    def base_url(self) -> str:
        """The OpenAI API root, ``http://127.0.0.1:PORT/v1``."""
        if self.port is None:
            raise LocalServerError("the server has no port until it starts")
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def model(self) -> str:
        """The model name the server answers to."""
        if self.model_alias is None:
            raise LocalServerError("the model name is known once the server starts")
        return self.model_alias

    def output_tail(self, max_bytes: int = 4000) -> str:
        """The end of the server's captured output ("" when not captured)."""
        if self._log is None:
            return ""
        self._log.flush()
        size = self._log.seek(0, 2)
        self._log.seek(max(0, size - max_bytes))
        return self._log.read().decode(errors="replace")

    def _tail_for_error(self) -> str:
        tail = self.output_tail().strip()
        return f"; its last output:\n{tail}" if tail else ""

    # -- clients -----------------------------------------------------------------------

    def chat_model(
        self,
        max_tokens: int = 16,
        temperature: float = 0.0,
        logprobs: bool = False,
        top_logprobs: int | None = None,
        *,
        isolate: bool = False,
        **kwargs: Any,
    ) -> ChatOpenAI:
        """Return a ``ChatOpenAI`` set up for this server.

        Args:
            max_tokens: cap on output tokens (sent as ``max_tokens``; see
                :func:`~hybridchain.local.openai_compatible`).
            temperature: sampling temperature; 0 makes answers repeatable.
            logprobs: return token log-probabilities in
                ``response_metadata["logprobs"]["content"]``. The server returns them only
                when ``top_logprobs`` is set, so it defaults to 1 here.
            top_logprobs: alternatives per token to return with ``logprobs``.
            isolate: send a one-token throwaway request before each run, so that
                log-probabilities do not depend on the previous prompt (see
                :mod:`hybridchain.local.isolate`); runs must not overlap.
            **kwargs: any other ``ChatOpenAI`` field.
        """
        if logprobs:
            kwargs["logprobs"] = True
            kwargs["top_logprobs"] = 1 if top_logprobs is None else top_logprobs
        if isolate:
            callbacks = list(kwargs.pop("callbacks", None) or [])
            kwargs["callbacks"] = [IsolatingCallback(self.base_url, self.model), *callbacks]
        return openai_compatible(
            self.base_url, self.model, max_tokens=max_tokens, temperature=temperature, **kwargs
        )

    def isolate(self) -> None:
        """Send the throwaway request of :func:`~hybridchain.local.isolate.isolate` now."""
        isolate(self.base_url, self.model)
