"""The availability classifier on the exceptions real clients raise."""

from __future__ import annotations

import httpx
import openai
import pytest
from langchain_core.exceptions import (
    ModelAPIError,
    ModelConnectionError,
    ModelInvalidRequestError,
    ModelTimeoutError,
)

from hybridchain.core.availability import is_unavailable, unavailable_reason
from hybridchain.core.confidence import LocalModelUnavailableError
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import SensitiveDataError

_REQUEST = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def _status_error(cls: type[openai.APIStatusError], status: int) -> openai.APIStatusError:
    return cls("failed", response=httpx.Response(status, request=_REQUEST), body=None)


class _Wrapped(Exception):
    pass


def _raised_from(cause: BaseException) -> BaseException:
    try:
        raise _Wrapped("wrapper") from cause
    except _Wrapped as exc:
        return exc


@pytest.mark.parametrize(
    "error",
    [
        openai.APIConnectionError(request=_REQUEST),
        openai.APITimeoutError(request=_REQUEST),
        _status_error(openai.InternalServerError, 500),
        _status_error(openai.InternalServerError, 503),
        _status_error(openai.RateLimitError, 429),
        httpx.ConnectError("refused", request=_REQUEST),
        httpx.ReadTimeout("slow", request=_REQUEST),
        httpx.RemoteProtocolError("peer closed connection", request=_REQUEST),
        httpx.HTTPStatusError(
            "bad gateway", request=_REQUEST, response=httpx.Response(502, request=_REQUEST)
        ),
        ModelConnectionError("unreachable"),
        ModelTimeoutError("slow"),
        ModelAPIError("server failure"),
        ConnectionRefusedError(),
        ConnectionResetError(),
        TimeoutError(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_transport_errors_timeouts_5xx_and_429_mean_unavailable(error: BaseException) -> None:
    assert is_unavailable(error)
    assert is_unavailable(_raised_from(error))


@pytest.mark.parametrize(
    "error",
    [
        _status_error(openai.BadRequestError, 400),
        _status_error(openai.AuthenticationError, 401),
        _status_error(openai.NotFoundError, 404),
        httpx.HTTPStatusError(
            "not found", request=_REQUEST, response=httpx.Response(404, request=_REQUEST)
        ),
        ModelInvalidRequestError("bad request"),
        ValueError("bad input"),
        KeyError("x"),
        LocalModelUnavailableError(Sensitivity.CONFIDENTIAL, ["ConnectError"]),
        SensitiveDataError(Sensitivity.RESTRICTED),
    ],
    ids=lambda e: type(e).__name__,
)
def test_other_errors_do_not(error: BaseException) -> None:
    assert not is_unavailable(error)


def test_a_hybridchain_error_raised_from_a_connection_error_does_not_count() -> None:
    try:
        raise LocalModelUnavailableError(Sensitivity.RESTRICTED, ["X"]) from ConnectionError()
    except LocalModelUnavailableError as exc:
        assert not is_unavailable(exc)


def test_the_reason_names_the_type_and_status_only() -> None:
    error = _status_error(openai.InternalServerError, 503)
    assert unavailable_reason(error) == "InternalServerError (HTTP 503)"
    assert unavailable_reason(httpx.ConnectError("secret 536-22-8510")) == "ConnectError"


def test_any_exception_with_a_5xx_status_code_counts() -> None:
    class ProviderError(Exception):
        status_code = 502

    assert is_unavailable(ProviderError())
