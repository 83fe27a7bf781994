"""One ``hybridchain`` configuration block, in YAML, shared by every adapter.

Example (``hybridchain.yaml``)::

    hybridchain:
      policy:
        keywords: {"Project Falcon": restricted}
        target_levels: {local: restricted, cloud: internal}
      gate: {mode: pseudonymize}
      router: {threshold: 0.55, moderate_threshold: 0.35}
      escalator: {threshold: 0.5}
      fallback: {enabled: true, on: [connection, timeout, server_error]}   # or: fallback: false
      budgets:
        - {limit_usd: 20, period: day, action: route_local}
      targets:
        local: {model: llama3.2, base_url: "http://127.0.0.1:11434/v1"}
        cloud: {model: gpt-4o}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hybridchain.core.availability import FallbackOn, unavailable_reason
from hybridchain.core.cost.budget import Budget
from hybridchain.core.policy import SensitivityPolicy
from hybridchain.errors import HybridchainError

__all__ = [
    "ConfigError",
    "EscalatorConfig",
    "FailureKind",
    "FallbackConfig",
    "GateConfig",
    "HybridConfig",
    "RouterConfig",
    "TargetConfig",
    "failure_kind",
    "load_config",
]


class ConfigError(HybridchainError, ValueError):
    """A configuration block is invalid; the message names each wrong field."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GateConfig(_Strict):
    """Settings of the sensitive-data gateway."""

    mode: Literal["route", "pseudonymize", "block"] = "route"
    """What to do with sensitive requests."""


class RouterConfig(_Strict):
    """Settings of the complexity router."""

    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """Scores at or above it are complex (cloud)."""
    moderate_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    """Scores at or above it (below ``threshold``) are moderate."""


class EscalatorConfig(_Strict):
    """Settings of the confidence escalator."""

    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    """Answers below this confidence move up a tier."""


FailureKind = Literal["connection", "timeout", "server_error", "rate_limit"]
"""A kind of unavailability: ``connection`` (refused, reset, dropped mid-stream),
``timeout``, ``server_error`` (HTTP 5xx) and ``rate_limit`` (HTTP 429)."""


def failure_kind(exc: BaseException) -> FailureKind | None:
    """Return which kind of unavailability ``exc`` is (``None``: it is none).

    >>> failure_kind(ConnectionRefusedError()), failure_kind(TimeoutError())
    ('connection', 'timeout')
    >>> failure_kind(ValueError("bad input")) is None
    True
    """
    reason = unavailable_reason(exc)  # a type name, "(HTTP nnn)" appended for statuses
    if reason is None:
        return None
    if reason.endswith("(HTTP 429)"):
        return "rate_limit"
    if "(HTTP " in reason:
        return "server_error"
    return "timeout" if "Timeout" in reason else "connection"


class FallbackConfig(_Strict):
    """When a component hands a request over to its other model (see "When a model is down").

    ``fallback: false`` is short for ``{enabled: false}``. Whatever is set here, a request
    the policy keeps local never falls back to the cloud.
    """

    enabled: bool = True
    """Whether an unavailable model hands the request over to the other one."""
    failures: tuple[FailureKind, ...] | None = Field(default=None, min_length=1)
    """Which failures count (``None``: every one :func:`~hybridchain.is_unavailable` sees)."""

    def fallback_on(self) -> FallbackOn | None:
        """Return the components' ``fallback_on`` predicate (``None``: their default)."""
        if self.failures is None:
            return None
        kinds = frozenset(self.failures)
        return lambda exc: failure_kind(exc) in kinds


class TargetConfig(_Strict):
    """A model endpoint."""

    model: str
    """Model name."""
    base_url: str | None = None
    """OpenAI-compatible base URL (``None``: the provider's default)."""


class HybridConfig(_Strict):
    """The whole ``hybridchain`` block.

    >>> cfg = HybridConfig.model_validate({"gate": {"mode": "block"}})
    >>> cfg.gate.mode, cfg.router.threshold
    ('block', 0.5)
    """

    policy: SensitivityPolicy = Field(default_factory=SensitivityPolicy)
    """Levels, markers, keywords and which level may reach which target."""
    gate: GateConfig = Field(default_factory=GateConfig)
    """The gateway."""
    router: RouterConfig = Field(default_factory=RouterConfig)
    """The complexity router."""
    escalator: EscalatorConfig = Field(default_factory=EscalatorConfig)
    """The confidence escalator."""
    fallback: FallbackConfig = Field(default_factory=FallbackConfig)
    """Falling back when a model is unavailable (``true``/``false`` or a mapping)."""
    budgets: list[Budget] = Field(default_factory=list)
    """Cloud budgets."""
    targets: dict[Literal["local", "cloud"], TargetConfig] = Field(default_factory=dict)
    """Model endpoints by role."""

    @field_validator("fallback", mode="before")
    @classmethod
    def _fallback_shorthand(cls, value: Any) -> Any:
        if isinstance(value, dict) and True in value:
            # YAML 1.1 reads an unquoted `on:` key as the boolean true.
            raise ValueError("`on` reads as a boolean in YAML: list the failures under `failures:`")
        return {"enabled": value} if isinstance(value, bool) else value


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"invalid hybridchain configuration in {source}:"]
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        lines.append(f"  hybridchain.{where}: {item['msg']}")
    return "\n".join(lines)


def load_config(source: str | Path | dict[str, Any]) -> HybridConfig:
    """Load and validate the ``hybridchain`` block from a YAML file, YAML text or a dict.

    The block may be the whole document or sit under a top-level ``hybridchain:`` key (so
    it can live inside a LiteLLM proxy ``config.yaml``).

    Raises:
        ConfigError: If the YAML does not parse or a field is wrong; the message names
            every wrong field by its path.

    Example:
        >>> load_config("hybridchain: {router: {threshold: 0.7}}").router.threshold
        0.7
    """
    where = "the given mapping"
    data: Any = source
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and source.endswith((".yaml", ".yml"))
    ):
        where = str(source)
        try:
            data = yaml.safe_load(Path(source).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read {where}: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{where} is not valid YAML: {exc}") from None
    elif isinstance(source, str):
        where = "the given YAML text"
        try:
            data = yaml.safe_load(source)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{where} is not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(data).__name__}")
    block = data.get("hybridchain", data)
    if not isinstance(block, dict):
        raise ConfigError(f"{where}: 'hybridchain' must be a mapping")
    try:
        return HybridConfig.model_validate(block)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, where)) from None
