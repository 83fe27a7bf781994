"""Cloud prices from LiteLLM's bundled price map, read offline, with per-model overrides."""

from __future__ import annotations

import functools
import json
import re
import threading
import warnings
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CloudPrices", "ModelPrice", "UnpricedModelWarning", "litellm_price_map_path"]

_PRICE_FILE = "model_prices_and_context_window_backup.json"
_THRESHOLD_KEY = re.compile(
    r"^(?:input_cost_per_token|output_cost_per_token|cache_read_input_token_cost"
    r"|cache_creation_input_token_cost)_above_(\d+(?:\.\d+)?)(k?)_tokens$"
)
# LiteLLM bills xAI's higher tier once the prompt *reaches* the threshold, others above it.
_INCLUSIVE_THRESHOLD_PROVIDERS = frozenset({"xai"})
# LiteLLM bills Fireworks' cached prompt tokens at half the input rate when no cache rate is listed.
_DEFAULT_CACHE_READ_RATIO = {"fireworks_ai": 0.5}
_MILLION = 1_000_000


class UnpricedModelWarning(UserWarning):
    """A model has no known price; its calls are recorded as unpriced, never as free.

    >>> issubclass(UnpricedModelWarning, UserWarning)
    True
    """


class ModelPrice(BaseModel):
    """A user-supplied price for one model, in USD per million tokens.

    >>> ModelPrice(input_per_million=2.5, output_per_million=10.0).cached_input_per_million is None
    True
    """

    model_config = ConfigDict(frozen=True)

    input_per_million: float = Field(ge=0)
    """Price of one million uncached prompt tokens."""
    output_per_million: float = Field(ge=0)
    """Price of one million completion tokens."""
    cached_input_per_million: float | None = Field(default=None, ge=0)
    """Price of one million cached prompt tokens; ``None`` bills them as ordinary input."""


def litellm_price_map_path() -> Path | None:
    """Return the path of the price map inside the installed ``litellm``, without importing it."""
    try:
        dist = metadata.distribution("litellm")
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.name == _PRICE_FILE and file.parent.name == "litellm":
            path = Path(str(dist.locate_file(file)))
            return path if path.is_file() else None
    return None


class CloudPrices:
    """Price cloud calls the way ``litellm.completion_cost`` does, offline.

    Prompt tokens include cached ones (OpenAI's convention): uncached prompt tokens are billed
    at the input rate, cached ones at ``cache_read_input_token_cost`` (the input rate when the
    model publishes none), completion tokens at the output rate. Long-context thresholds
    (``*_above_200k_tokens``) and ``tiered_pricing`` tables apply as in LiteLLM; service
    tiers, batch rates, off-peak windows (DeepSeek's night discount: the standard rate is
    billed) and non-text modalities do not.

    Args:
        overrides: Prices by model name; they take precedence over the price map.
        price_map: A price map to use instead of LiteLLM's bundled one (same JSON layout).

    >>> mine = ModelPrice(input_per_million=1, output_per_million=2)
    >>> prices = CloudPrices(overrides={"my-model": mine})
    >>> prices.price("my-model", input_tokens=1_000_000, output_tokens=500_000)
    2.0
    """

    def __init__(
        self,
        overrides: Mapping[str, ModelPrice] | None = None,
        *,
        price_map: Mapping[str, Any] | None = None,
    ) -> None:
        self._overrides = dict(overrides or {})
        self._map: Mapping[str, Any] | None = price_map
        self._lock = threading.Lock()
        self._warned: set[str] = set()
        # Model name → (price-map entry, long-context thresholds): resolved once per name.
        self._resolved: dict[str, tuple[Mapping[str, Any] | None, tuple[tuple[float, str], ...]]]
        self._resolved = {}

    def _price_map(self) -> Mapping[str, Any]:
        if self._map is None:
            self._map = _bundled_price_map()
        return self._map

    def model_info(self, model: str) -> Mapping[str, Any] | None:
        """Return the price-map entry for ``model`` (provider prefix allowed), or ``None``."""
        try:
            return self._resolved[model][0]
        except KeyError:
            pass
        info = self._lookup(model)
        self._resolved[model] = (info, _thresholds(info) if info is not None else ())
        return info

    def _lookup(self, model: str) -> Mapping[str, Any] | None:
        prices = self._price_map()
        info = _priced(prices.get(model))
        if info is not None:
            return info
        provider, sep, bare = model.partition("/")
        if sep:
            info = _priced(prices.get(bare))
            if info is not None and str(info.get("litellm_provider", provider)).startswith(
                provider
            ):
                return info
        return None

    def known(self, model: str) -> bool:
        """Return whether ``model`` has a price (override or price map), without warning."""
        return model in self._overrides or self.model_info(model) is not None

    def price(
        self,
        model: str,
        input_tokens: int,
        output_tokens: int,
        cached_tokens: int = 0,
    ) -> float | None:
        """Return the USD price of one call, or ``None`` (and warn once) for an unknown model.

        Args:
            model: Model name, optionally with a provider prefix (``openai/gpt-4o``).
            input_tokens: Prompt tokens, cached ones included.
            output_tokens: Completion tokens.
            cached_tokens: Prompt tokens served from the provider's cache.
        """
        cached = min(max(cached_tokens, 0), input_tokens)
        override = self._overrides.get(model)
        if override is not None:
            cached_rate = override.cached_input_per_million
            return (
                (input_tokens - cached) * override.input_per_million
                + cached * (override.input_per_million if cached_rate is None else cached_rate)
                + output_tokens * override.output_per_million
            ) / _MILLION
        info = self.model_info(model)
        if info is None:
            self._warn_unpriced(model)
            return None
        in_rate, out_rate, cache_rate = _rates(info, input_tokens, self._resolved[model][1])
        return (input_tokens - cached) * in_rate + cached * cache_rate + output_tokens * out_rate

    def _warn_unpriced(self, model: str) -> None:
        with self._lock:
            if model in self._warned:
                return
            self._warned.add(model)
        warnings.warn(
            f"no price known for model {model!r}; its calls are recorded as unpriced "
            "(add a ModelPrice override to price it)",
            UnpricedModelWarning,
            stacklevel=3,
        )


@functools.cache
def _bundled_price_map() -> Mapping[str, Any]:
    """LiteLLM's bundled price map, parsed once per process (a few MB of JSON)."""
    path = litellm_price_map_path()
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path else {}
    loaded.pop("sample_spec", None)
    return MappingProxyType(loaded)


def _priced(info: object) -> Mapping[str, Any] | None:
    if isinstance(info, dict) and (
        "input_cost_per_token" in info
        or "output_cost_per_token" in info
        or "tiered_pricing" in info
    ):
        return info
    return None


def _rate(info: Mapping[str, Any], key: str, default: float = 0.0) -> float:
    value = info.get(key)
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _thresholds(info: Mapping[str, Any]) -> tuple[tuple[float, str], ...]:
    """The ``*_above_Nk_tokens`` thresholds of a price-map entry, ascending."""
    return tuple(
        sorted(
            {
                (float(m[1]) * (1000 if m[2] else 1), m[1] + m[2])
                for m in (_THRESHOLD_KEY.match(key) for key in info)
                if m is not None
            }
        )
    )


def _rates(
    info: Mapping[str, Any], input_tokens: int, thresholds: tuple[tuple[float, str], ...]
) -> tuple[float, float, float]:
    """Return (input, output, cache-read) USD per token for a prompt of ``input_tokens``."""
    tier = _tier(info, input_tokens)
    if tier is not None:
        in_rate = _rate(tier, "input_cost_per_token")
        out_rate = (
            _rate(tier, "output_cost_per_token")
            if "output_cost_per_token" in tier
            else _rate(info, "output_cost_per_token")
        )
        return in_rate, out_rate, _rate(tier, "cache_read_input_token_cost", in_rate)

    in_rate = _rate(info, "input_cost_per_token")
    out_rate = _rate(info, "output_cost_per_token")
    cache_rate: float | None = (
        None
        if info.get("cache_read_input_token_cost") is None
        else _rate(info, "cache_read_input_token_cost")
    )
    provider = info.get("litellm_provider")
    if cache_rate is None and provider in _DEFAULT_CACHE_READ_RATIO:
        cache_rate = in_rate * _DEFAULT_CACHE_READ_RATIO[provider]
    inclusive = provider in _INCLUSIVE_THRESHOLD_PROVIDERS
    for threshold, label in thresholds:
        if input_tokens > threshold or (inclusive and input_tokens == threshold):
            suffix = f"_above_{label}_tokens"
            in_rate = _rate(info, f"input_cost_per_token{suffix}", in_rate)
            out_rate = _rate(info, f"output_cost_per_token{suffix}", out_rate)
            if info.get(f"cache_read_input_token_cost{suffix}") is not None:
                cache_rate = _rate(info, f"cache_read_input_token_cost{suffix}")
    return in_rate, out_rate, in_rate if cache_rate is None else cache_rate


def _tier(info: Mapping[str, Any], input_tokens: int) -> Mapping[str, Any] | None:
    tiers = info.get("tiered_pricing")
    if not isinstance(tiers, list) or not tiers or input_tokens <= 0:
        return None
    valid = sorted(
        (t for t in tiers if isinstance(t, dict) and len(t.get("range", ())) == 2),
        key=lambda t: float(t["range"][0]),
    )
    if not valid:
        return None
    chosen = next(
        (t for t in valid if float(t["range"][0]) < input_tokens <= float(t["range"][1])),
        valid[-1],
    )
    return chosen if "input_cost_per_token" in chosen else None
