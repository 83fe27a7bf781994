"""A loopback OpenAI-compatible server that answers and records every request.

It stands in for a cloud API so that a test can assert exactly what would have
left the machine.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["RecorderServer"]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

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
        self.server.record(self.path, body)
        if self.server.status != 200:
            self._json(self.server.status, {"error": {"message": "injected failure"}})
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._json(404, {"error": {"message": "not found"}})
            return
        text = self.server.reply(body)
        if body.get("stream"):
            self._stream(body, text)
        else:
            self._json(200, _completion(body, text))

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, body: dict[str, Any], text: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        model = body.get("model", "recorder")
        pieces = [text[i : i + 4] for i in range(0, len(text), 4)] or [""]
        for i, piece in enumerate(pieces):
            delta: dict[str, Any] = {"content": piece}
            if i == 0:
                delta["role"] = "assistant"
            self._event(_chunk(model, delta, None))
        self._event(_chunk(model, {}, "stop", usage=_usage(body, text)))
        self.wfile.write(b"data: [DONE]\n\n")

    def _event(self, payload: dict[str, Any]) -> None:
        self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
        self.wfile.flush()


def _message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt = sum(len(_message_text(m).split()) for m in body.get("messages", []))
    completion = len(text.split())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _chunk(
    model: str, delta: dict[str, Any], finish: str | None, usage: dict[str, int] | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": "chatcmpl-recorder",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if usage is not None:
        payload["usage"] = usage
    return payload


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-recorder",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "recorder"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(body, text),
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: RecorderServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner
        self.status = 200

    def record(self, path: str, body: dict[str, Any]) -> None:
        with self.owner._lock:
            self.owner.requests.append({"path": path, "body": body})

    def reply(self, body: dict[str, Any]) -> str:
        if self.owner.reply is not None:
            return self.owner.reply
        messages = body.get("messages") or [{}]
        return f"cloud: {_message_text(messages[-1])}"


class RecorderServer:
    """An OpenAI-compatible chat server on loopback that records every request body.

    Example::

        with RecorderServer() as cloud:
            model = ChatOpenAI(base_url=cloud.base_url, api_key="x", model="gpt-4o")
            model.invoke("hi")
            assert "hi" in cloud.sent_text()
    """

    def __init__(self, reply: str | None = None) -> None:
        """Create the server (it starts on ``start()`` or ``with``).

        Args:
            reply: Fixed answer text; ``None`` answers ``cloud: <last message>``.
        """
        self.reply = reply
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The ``/v1`` base URL to give an OpenAI-compatible client."""
        if self._server is None:
            raise RuntimeError("RecorderServer is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def fail_with(self, status: int) -> None:
        """Answer every later request with this HTTP status (200 restores normal answers)."""
        if self._server is None:
            raise RuntimeError("RecorderServer is not started")
        self._server.status = status

    def sent_text(self) -> str:
        """Everything received so far, as one JSON string (for leak assertions)."""
        with self._lock:
            return json.dumps(self.requests)

    def start(self) -> RecorderServer:
        """Start serving on a free loopback port."""
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> RecorderServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
