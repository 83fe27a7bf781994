"""A loopback OpenAI-compatible server that answers and records every request.

It stands in for a cloud API so that a test can assert exactly what would have
left the machine, and it can misbehave on purpose (HTTP errors, slow answers,
streams cut short) for fault tests. Tool calls and structured output are answered
with fabricated, schema-shaped values (see :mod:`hybridchain.testing.replies`).
"""

from __future__ import annotations

import json
import math
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from hybridchain.testing.replies import Reply, message_text, reply_for

__all__ = ["RecorderServer"]


@dataclass
class _Faults:
    """The misbehaviour asked for; counts are requests still to hit (``None``: until cleared)."""

    status: int = 200
    status_times: int | None = None
    delay_s: float = 0.0
    drop_after: int | None = None
    drop_times: int | None = None

    def take_status(self) -> int:
        if self.status == 200:
            return 200
        status = self.status
        if self.status_times is not None:
            self.status_times -= 1
            if self.status_times <= 0:
                self.status, self.status_times = 200, None
        return status

    def take_drop(self) -> int | None:
        after = self.drop_after
        if after is not None and self.drop_times is not None:
            self.drop_times -= 1
            if self.drop_times <= 0:
                self.drop_after, self.drop_times = None, None
        return after


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.1, so that a stream is chunked and one cut short is an error, not an ending.
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: request lines could carry values."""

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": "recorder", "object": "model"}]})
        else:
            self._json(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._json(400, {"error": {"message": "body is not JSON"}})
            return
        owner = self.server.owner
        number = owner._record(self.path, body)
        with owner._lock:
            delay, status = owner._faults.delay_s, owner._faults.take_status()
        if delay and owner._stopping.wait(delay):
            return  # stopped while waiting
        if status != 200:
            error = {"message": "injected failure", "type": "recorder_error", "code": status}
            self._json(status, {"error": error})
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._json(404, {"error": {"message": "not found"}})
            return
        reply = reply_for(body, owner.reply)
        if body.get("stream"):
            with owner._lock:
                drop = owner._faults.take_drop()
            self._stream(body, reply, f"call_recorder_{number}", drop)
        else:
            self._json(200, _completion(body, reply, f"call_recorder_{number}"))

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, body: dict[str, Any], reply: Reply, call_id: str, drop: int | None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        events = _stream_events(body, reply, call_id)
        for sent, event in enumerate(events):
            if drop is not None and sent >= drop:
                # Cut the connection without the final empty chunk: the client sees a
                # broken body, as when a real upstream dies mid-answer.
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._chunk(b"data: " + event + b"\n\n")
        self._chunk(b"")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _stream_events(body: dict[str, Any], reply: Reply, call_id: str) -> list[bytes]:
    model = body.get("model", "recorder")
    deltas: list[dict[str, Any]]
    if reply.tool_name is not None:
        arguments = reply.arguments or "{}"
        call = {"index": 0, "id": call_id, "type": "function"}
        deltas = [
            {"tool_calls": [{**call, "function": {"name": reply.tool_name, "arguments": ""}}]}
        ]
        deltas += [
            {"tool_calls": [{"index": 0, "function": {"arguments": arguments[i : i + 8]}}]}
            for i in range(0, len(arguments), 8)
        ]
        finish = "tool_calls"
    else:
        text = reply.text
        deltas = [{"content": text[i : i + 4]} for i in range(0, len(text), 4)] or [{"content": ""}]
        finish = "stop"
    deltas[0] = {"role": "assistant", **deltas[0]}
    payloads = [_chunk(model, delta, None) for delta in deltas]
    payloads.append(_chunk(model, {}, finish))
    if (body.get("stream_options") or {}).get("include_usage"):
        payloads.append({**_chunk(model, {}, None), "choices": [], "usage": _usage(body, reply)})
    return [json.dumps(p, ensure_ascii=False).encode() for p in payloads] + [b"[DONE]"]


def _usage(body: dict[str, Any], reply: Reply) -> dict[str, int]:
    prompt = sum(
        len(message_text(m).split()) for m in body.get("messages", []) if isinstance(m, dict)
    )
    completion = len((reply.text or reply.arguments or "").split())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-recorder",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(body: dict[str, Any], reply: Reply, call_id: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    finish = "stop"
    if reply.tool_name is not None:
        function = {"name": reply.tool_name, "arguments": reply.arguments or "{}"}
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [{"id": call_id, "type": "function", "function": function}],
        }
        finish = "tool_calls"
    return {
        "id": "chatcmpl-recorder",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "recorder"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": _usage(body, reply),
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: RecorderServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: a client that gave up (a timeout test) is not a server error."""


class RecorderServer:
    """An OpenAI-compatible chat server on loopback that records every request body.

    It answers ``cloud: <last message>``, a tool call when the request offers tools, or
    JSON shaped like a requested ``response_format`` schema; the values are fabricated
    (a test double, not a model). Faults can be injected for the next requests.

    Example::

        with RecorderServer() as cloud:
            model = ChatOpenAI(base_url=cloud.base_url, api_key="x", model="gpt-4o")
            model.invoke("hi")
            assert "hi" in cloud.sent_text()
            cloud.fail_with(503, times=1)  # the next request fails, then it recovers
    """

    def __init__(self, reply: str | None = None, *, delay_s: float = 0.0) -> None:
        """Create the server (it starts on ``start()`` or ``with``).

        Args:
            reply: Fixed answer text; ``None`` answers ``cloud: <last message>``.
            delay_s: Seconds to wait before answering each request (see :meth:`delay`).
        """
        self.reply = reply
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._faults = _Faults()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.delay(delay_s)

    @property
    def base_url(self) -> str:
        """The ``/v1`` base URL to give an OpenAI-compatible client."""
        if self._server is None:
            raise RuntimeError("RecorderServer is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def fail_with(self, status: int, times: int | None = None) -> None:
        """Answer requests with this HTTP status (they are still recorded).

        Args:
            status: The HTTP status, 100 to 599; 200 restores normal answers.
            times: How many requests fail before normal answers resume; ``None``: every
                request until ``fail_with(200)`` or :meth:`clear_faults`.

        Raises:
            ValueError: On a status outside 100..599 or ``times`` below 1.
        """
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status code (100..599), got {status!r}")
        _check_times(times)
        with self._lock:
            self._faults.status = status
            self._faults.status_times = None if status == 200 else times

    def delay(self, seconds: float) -> None:
        """Wait this long before answering every later request (0 answers at once).

        The request is recorded before the wait, so a client that times out has still
        sent it. Stopping the server ends the wait.

        Raises:
            ValueError: On a negative or non-finite number of seconds.
        """
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ValueError(f"seconds must be a number, got {type(seconds).__name__}")
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"seconds must be finite and >= 0, got {seconds!r}")
        with self._lock:
            self._faults.delay_s = float(seconds)

    def fail_mid_stream(self, after_chunks: int, times: int | None = None) -> None:
        """Cut streamed answers short: send ``after_chunks`` SSE events, then drop the connection.

        Only streamed requests are affected (and counted); others are answered normally.

        Args:
            after_chunks: Events sent before the connection drops (0: none).
            times: How many streamed requests are cut; ``None``: until :meth:`clear_faults`.

        Raises:
            ValueError: On a negative ``after_chunks`` or ``times`` below 1.
        """
        if isinstance(after_chunks, bool) or not isinstance(after_chunks, int) or after_chunks < 0:
            raise ValueError(f"after_chunks must be an int >= 0, got {after_chunks!r}")
        _check_times(times)
        with self._lock:
            self._faults.drop_after, self._faults.drop_times = after_chunks, times

    def clear_faults(self) -> None:
        """Answer normally again: no failure status, no delay, no cut streams."""
        with self._lock:
            self._faults = _Faults()

    def sent_text(self) -> str:
        """Everything received so far, as one JSON string (for leak assertions)."""
        with self._lock:
            return json.dumps(self.requests)

    def start(self) -> RecorderServer:
        """Start serving on a free loopback port."""
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (delayed answers are abandoned)."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _record(self, path: str, body: dict[str, Any]) -> int:
        with self._lock:
            self.requests.append({"path": path, "body": body})
            return len(self.requests)

    def __enter__(self) -> RecorderServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _check_times(times: int | None) -> None:
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError(f"times must be an int >= 1 or None, got {times!r}")
