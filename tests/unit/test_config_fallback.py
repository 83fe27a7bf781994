"""The ``fallback`` key of the configuration block, and the chain ``hybrid_chain`` builds with it."""

from __future__ import annotations

import httpx
import openai
import pytest

from hybridchain import SensitivityGate
from hybridchain.core.confidence import LocalModelUnavailableError
from hybridchain.core.config import ConfigError, FallbackConfig, failure_kind, load_config
from hybridchain.langchain.from_config import hybrid_chain
from hybridchain.testing.faults import FaultyChatModel

PUBLIC = "What is the capital of France?"
SSN = "536-22-8510"
SENSITIVE = f"My SSN is {SSN}, please file the form."
_REQUEST = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def _connect_error() -> httpx.ConnectError:
    return httpx.ConnectError("[Errno 111] Connection refused", request=_REQUEST)


def _status_error(status: int) -> openai.APIStatusError:
    response = httpx.Response(status, request=_REQUEST)
    if status == 429:
        return openai.RateLimitError("rate limited", response=response, body=None)
    return openai.InternalServerError("server error", response=response, body=None)


def _chain(
    setting: str, *, local_error: Exception | None = None, cloud_error: Exception | None = None
) -> tuple[SensitivityGate, FaultyChatModel, FaultyChatModel]:
    local = FaultyChatModel(label="local", error=local_error)
    cloud = FaultyChatModel(label="cloud", error=cloud_error)
    # Threshold 1.0: every public request is "simple" (local first); 0.0: "complex" (cloud).
    threshold = 1.0 if local_error is not None else 0.0
    cfg = load_config(f"hybridchain: {{router: {{threshold: {threshold}}}, {setting}}}")
    return hybrid_chain(cfg, local=local, cloud=cloud), local, cloud


def test_defaults_are_unchanged() -> None:
    cfg = load_config("hybridchain: {}")
    assert cfg.fallback == FallbackConfig(enabled=True, failures=None)
    assert cfg.fallback.fallback_on() is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fallback: false", FallbackConfig(enabled=False)),
        ("fallback: true", FallbackConfig(enabled=True)),
        (
            "fallback: {failures: [timeout, rate_limit]}",
            FallbackConfig(failures=("timeout", "rate_limit")),
        ),
    ],
)
def test_fallback_key_forms(text: str, expected: FallbackConfig) -> None:
    assert load_config(f"hybridchain: {{{text}}}").fallback == expected


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "fallback: {failures: [connection, meltdown]}",
            r"hybridchain\.fallback\.failures\.1: .*'timeout'",
        ),
        ("fallback: {failures: []}", r"hybridchain\.fallback\.failures: .*at least 1"),
        ("fallback: {enabled: sometimes}", r"hybridchain\.fallback\.enabled: .*boolean"),
        ("fallback: {on: [timeout]}", r"hybridchain\.fallback: .*`on` reads as a boolean"),
        ("fallback: {when: down}", r"hybridchain\.fallback\.when: Extra inputs"),
        ("fallback: 3", r"hybridchain\.fallback: "),
    ],
)
def test_bad_fallback_values_are_named(text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_config(f"hybridchain: {{{text}}}")


def test_failure_kinds() -> None:
    assert failure_kind(_connect_error()) == "connection"
    assert failure_kind(httpx.ReadTimeout("slow", request=_REQUEST)) == "timeout"
    assert failure_kind(openai.APITimeoutError(request=_REQUEST)) == "timeout"
    assert failure_kind(_status_error(503)) == "server_error"
    assert failure_kind(_status_error(429)) == "rate_limit"
    assert failure_kind(ValueError("bad input")) is None


def test_a_configured_chain_falls_back_to_the_cloud_when_local_is_down() -> None:
    chain, local, cloud = _chain("fallback: true", local_error=_connect_error())
    assert chain.invoke(PUBLIC).content == f"cloud: {PUBLIC}"
    assert local.requests and len(cloud.requests) == 1
    chunks = list(chain.stream(PUBLIC))
    assert "".join(str(c.content) for c in chunks) == f"cloud: {PUBLIC}"


def test_a_configured_chain_falls_back_to_local_when_the_cloud_is_down() -> None:
    chain, local, cloud = _chain("fallback: true", cloud_error=_status_error(503))
    assert chain.invoke(PUBLIC).content == f"local: {PUBLIC}"
    assert len(cloud.requests) == 1 and len(local.requests) == 1
    chunks = list(chain.stream(PUBLIC))
    assert "".join(str(c.content) for c in chunks) == f"local: {PUBLIC}"


def test_fallback_false_raises_the_cloud_error() -> None:
    chain, local, cloud = _chain("fallback: false", cloud_error=_status_error(503))
    with pytest.raises(openai.InternalServerError):
        chain.invoke(PUBLIC)
    with pytest.raises(openai.InternalServerError):
        list(chain.stream(PUBLIC))
    assert len(cloud.requests) == 2 and local.requests == []


def test_only_the_configured_failures_fall_back() -> None:
    setting = "fallback: {failures: [rate_limit]}"
    chain, local, _ = _chain(setting, cloud_error=_connect_error())
    with pytest.raises(httpx.ConnectError):
        chain.invoke(PUBLIC)
    assert local.requests == []
    chain, local, _ = _chain(setting, cloud_error=_status_error(429))
    assert chain.invoke(PUBLIC).content == f"local: {PUBLIC}"
    assert len(local.requests) == 1


@pytest.mark.parametrize(
    "setting",
    ["fallback: true", "fallback: {failures: [connection, timeout, server_error, rate_limit]}"],
)
def test_a_request_kept_local_never_falls_back_to_the_cloud(setting: str) -> None:
    chain, local, cloud = _chain(setting, local_error=_connect_error())
    with pytest.raises(LocalModelUnavailableError) as info:
        chain.invoke(SENSITIVE)
    with pytest.raises(LocalModelUnavailableError):
        list(chain.stream(SENSITIVE))
    assert local.requests and cloud.requests == []
    assert SSN not in str(info.value)
