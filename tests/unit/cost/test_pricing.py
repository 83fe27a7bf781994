from __future__ import annotations

import math
import os
import warnings

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

import litellm
import pytest
from litellm import ModelResponse, Usage

from hybridchain.core.cost.pricing import (
    CloudPrices,
    ModelPrice,
    UnpricedModelWarning,
    litellm_price_map_path,
)

MODELS = [
    "gpt-4o",
    "openai/gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-5",
    "o3-mini",
    "anthropic/claude-sonnet-4-5",
    "claude-sonnet-4-5",
    "gemini/gemini-2.5-pro",  # long-context threshold above 200k tokens
    "gemini/gemini-2.5-flash",
    "mistral/mistral-large-latest",
    "deepseek/deepseek-chat",
    "dashscope/qwen-plus-latest",  # tiered_pricing table
    "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "fireworks_ai/accounts/fireworks/models/deepseek-r1",  # default cache-read ratio
]
TOKENS = [(1000, 500, 0), (1000, 500, 300), (250_000, 1000, 100_000), (300_000, 10, 0)]


def litellm_cost(model: str, input_tokens: int, output_tokens: int, cached: int) -> float:
    usage = Usage(
        prompt_tokens=input_tokens,
        completion_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
        prompt_tokens_details={"cached_tokens": cached} if cached else None,
    )
    prompt, completion = litellm.cost_per_token(model=model, usage_object=usage)
    return prompt + completion


def test_price_map_found_without_importing_litellm() -> None:
    path = litellm_price_map_path()
    assert path is not None and path.name == "model_prices_and_context_window_backup.json"


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(("input_tokens", "output_tokens", "cached"), TOKENS)
def test_equals_litellm(model: str, input_tokens: int, output_tokens: int, cached: int) -> None:
    ours = CloudPrices().price(model, input_tokens, output_tokens, cached_tokens=cached)
    assert ours is not None
    assert math.isclose(
        ours, litellm_cost(model, input_tokens, output_tokens, cached), rel_tol=1e-12
    )


@pytest.mark.parametrize(
    "model", ["gpt-4o", "anthropic/claude-sonnet-4-5", "gemini/gemini-2.5-flash", "gpt-4.1-mini"]
)
@pytest.mark.parametrize("cached", [0, 200])
def test_equals_completion_cost(model: str, cached: int) -> None:
    usage = Usage(
        prompt_tokens=1234,
        completion_tokens=567,
        total_tokens=1801,
        prompt_tokens_details={"cached_tokens": cached} if cached else None,
    )
    with warnings.catch_warnings():
        # LiteLLM's response types trip a pydantic UserWarning (ReadOnly TypedDict items).
        warnings.simplefilter("ignore", UserWarning)
        response = ModelResponse(model=model, usage=usage)
        expected = litellm.completion_cost(completion_response=response, model=model)
    ours = CloudPrices().price(model, 1234, 567, cached_tokens=cached)
    assert ours is not None
    assert math.isclose(ours, expected, rel_tol=1e-12)


def test_cached_tokens_cheaper() -> None:
    prices = CloudPrices()
    full = prices.price("gpt-4o", 1_000_000, 0)
    cached = prices.price("gpt-4o", 1_000_000, 0, cached_tokens=1_000_000)
    assert full == pytest.approx(2.5)
    assert cached == pytest.approx(1.25)


def test_override_takes_precedence() -> None:
    prices = CloudPrices(
        overrides={
            "gpt-4o": ModelPrice(
                input_per_million=1, output_per_million=2, cached_input_per_million=0.5
            ),
            "my-local-proxy": ModelPrice(input_per_million=3, output_per_million=4),
        }
    )
    assert prices.price("gpt-4o", 1_000_000, 1_000_000) == pytest.approx(3.0)
    assert prices.price("gpt-4o", 1_000_000, 0, cached_tokens=400_000) == pytest.approx(0.8)
    # without a cached rate, cached tokens cost the input rate
    assert prices.price("my-local-proxy", 1_000_000, 0, cached_tokens=500_000) == pytest.approx(3.0)


def test_unknown_model_warns_once_and_is_none() -> None:
    prices = CloudPrices()
    with pytest.warns(UnpricedModelWarning, match="no-such-model"):
        assert prices.price("no-such-model", 10, 10) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert prices.price("no-such-model", 10, 10) is None
    with pytest.warns(UnpricedModelWarning, match="another-model"):
        assert prices.price("another-model", 1, 1) is None
    assert not prices.known("no-such-model")


def test_wrong_provider_prefix_is_unknown() -> None:
    with pytest.warns(UnpricedModelWarning):
        assert CloudPrices().price("anthropic/gpt-4o", 10, 10) is None


def test_custom_price_map() -> None:
    prices = CloudPrices(
        price_map={"m": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}}
    )
    assert prices.price("m", 1_000_000, 1_000_000) == pytest.approx(3.0)
