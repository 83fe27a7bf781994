"""Whether an exception means "the model is unavailable", so another target may answer.

Framework-free: exceptions of optional clients (httpx, openai, anthropic, requests,
aiohttp, LiteLLM, LangChain's ``ModelError`` family) are recognised by the names of their
classes, so none is imported.

The classifier only decides *whether* a fallback is tried. It never decides *where* a
request may go: a request the policy keeps local never reaches the cloud, however its
local model failed.
"""

from __future__ import annotations

from collections.abc import Callable

from hybridchain.errors import HybridchainError

__all__ = [
    "FALLBACK_EVENT",
    "FALLBACK_KEY",
    "FallbackOn",
    "is_unavailable",
    "mark_exhausted",
    "unavailable_reason",
    "was_exhausted",
]

FallbackOn = Callable[[BaseException], bool]
"""A predicate telling which exceptions of a target hand the request over to another."""

# (top-level module, class name) of transport errors: the server could not be reached,
# timed out, or dropped the connection (for example killed in the middle of a stream).
_TRANSPORT: frozenset[tuple[str, str]] = frozenset(
    {
        ("httpx", "TransportError"),
        ("httpcore", "NetworkError"),
        ("httpcore", "TimeoutException"),
        ("httpcore", "ProtocolError"),
        ("openai", "APIConnectionError"),
        ("anthropic", "APIConnectionError"),
        ("litellm", "APIConnectionError"),
        ("litellm", "Timeout"),
        ("litellm", "ServiceUnavailableError"),
        ("requests", "ConnectionError"),
        ("requests", "Timeout"),
        ("urllib3", "ProtocolError"),
        ("urllib3", "NewConnectionError"),
        ("aiohttp", "ClientConnectionError"),
        # LangChain's provider-neutral model errors (langchain-core >= 1.7).
        ("langchain_core", "ModelConnectionError"),
        ("langchain_core", "ModelTimeoutError"),
        ("langchain_core", "ModelAPIError"),
        ("langchain_core", "ModelRateLimitError"),
    }
)
_MAX_CAUSES = 5


def _status(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    if not isinstance(code, int):
        code = getattr(getattr(exc, "response", None), "status_code", None)
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def unavailable_reason(exc: BaseException) -> str | None:
    """Return why ``exc`` means the model is unavailable (``None``: it does not).

    Connection errors, timeouts, dropped connections, HTTP 5xx and HTTP 429 count, as do
    exceptions raised from one of those (``raise ... from``). hybridchain's own errors
    (a blocked request, a local model a sensitive request could not reach) never count.
    The reason names types and status codes only.

    >>> unavailable_reason(ConnectionRefusedError())
    'ConnectionRefusedError'
    >>> unavailable_reason(ValueError("bad input")) is None
    True
    """
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < _MAX_CAUSES:
        if isinstance(current, HybridchainError):
            return None
        kind = type(current).__name__
        if isinstance(current, ConnectionError | TimeoutError):
            return kind
        status = _status(current)
        if status is not None:
            return f"{kind} (HTTP {status})" if status == 429 or status >= 500 else None
        for cls in type(current).__mro__:
            if (cls.__module__.partition(".")[0], cls.__name__) in _TRANSPORT:
                return kind
        current = current.__cause__
        seen += 1
    return None


def is_unavailable(exc: BaseException) -> bool:
    """Return whether ``exc`` means the model could not answer now (so another may).

    >>> is_unavailable(TimeoutError())
    True
    >>> is_unavailable(KeyError("x"))
    False
    """
    return unavailable_reason(exc) is not None


FALLBACK_EVENT = "hybridchain_fallback"
"""Name of the custom event dispatched when a request falls back to another target."""
FALLBACK_KEY = "hybridchain_fallback"
"""``response_metadata`` key on the first chunk of a fallback answer that follows chunks
the caller should discard (the failed target's partial answer)."""

_EXHAUSTED = "hybridchain_fallback_exhausted"


def mark_exhausted(exc: BaseException) -> None:
    """Record on ``exc`` that a fallback was already tried, so outer components re-raise it."""
    try:
        setattr(exc, _EXHAUSTED, True)
    except AttributeError:  # pragma: no cover - exceptions without a __dict__
        pass


def was_exhausted(exc: BaseException) -> bool:
    """Return whether a fallback was already tried for ``exc``."""
    return bool(getattr(exc, _EXHAUSTED, False))
