import json
import time

import pytest

from hybridchain.core.complexity import FeatureScorer, Scorer, conversation_parts
from hybridchain.core.complexity.features import FEATURE_NAMES
from hybridchain.core.complexity.scorer import PARAMS_PATH

EASY = [
    "hi, how are you?",
    "thanks!",
    "hello there",
    "Tell me a joke",
]
HARD = [
    "Design a distributed rate limiter with exactly-once semantics and prove its correctness",
    "Write a Python function that parses a CSV file, computes the median of each column and "
    "handles missing values; explain its time complexity.",
    "Explain step by step why the sky is blue and derive the Rayleigh scattering law from "
    "first principles, stating every assumption.",
    "Implement a lock-free concurrent queue in C++, then prove that it is linearizable and "
    "analyze its throughput under contention.",
]


def test_default_loads_offline_and_is_a_scorer() -> None:
    scorer = FeatureScorer.default()
    assert isinstance(scorer, Scorer)
    assert FeatureScorer.default() is scorer


def test_shipped_params_are_small_and_documented() -> None:
    assert PARAMS_PATH.stat().st_size < 200_000
    params = json.loads(PARAMS_PATH.read_text())
    assert set(params["weights"]) == set(FEATURE_NAMES)
    data = params["metadata"]["data"]
    assert data["commit"] == "0b64fdafe049e596a3f5657c219329f24af24198"
    assert data["license"] == "Apache-2.0"
    assert params["metadata"]["training_command"] == "python -m hybridchain.core.complexity.train"


@pytest.mark.parametrize("prompt", ["", "x", "hi", *EASY, *HARD, "é" * 50, "1 + 1 = ?" * 300])
def test_scores_are_deterministic_and_in_unit_interval(prompt: str) -> None:
    scorer = FeatureScorer.default()
    first = scorer.score(prompt)
    assert 0.0 <= first <= 1.0
    assert scorer.score(prompt) == first
    assert FeatureScorer.from_file(PARAMS_PATH).score(prompt) == first


def test_chat_sanity_ordering() -> None:
    scorer = FeatureScorer.default()
    assert scorer.score("hi, how are you?") < scorer.score(HARD[0])
    assert max(scorer.score(p) for p in EASY) < min(scorer.score(p) for p in HARD)


def test_multi_turn_uses_earlier_turns() -> None:
    scorer = FeatureScorer.default()
    follow_up = {"role": "user", "content": "ok, and why?"}
    alone = scorer.score([follow_up])
    after_hard = scorer.score(
        [
            {"role": "user", "content": HARD[0]},
            {"role": "assistant", "content": [{"type": "text", "text": HARD[3]}]},
            follow_up,
        ]
    )
    assert after_hard > alone
    # the newest user turn weighs most: the same hard text counts more as the ask
    as_ask = scorer.score([{"role": "user", "content": "hi"}, {"role": "user", "content": HARD[0]}])
    as_context = scorer.score(
        [{"role": "user", "content": HARD[0]}, {"role": "user", "content": "hi"}]
    )
    assert as_ask > as_context


def test_string_and_single_user_message_agree() -> None:
    scorer = FeatureScorer.default()
    assert scorer.score(HARD[1]) == scorer.score([{"role": "user", "content": HARD[1]}])


def test_conversation_parts_weights() -> None:
    parts = conversation_parts(
        [
            {"role": "system", "content": "S"},
            {"role": "user", "content": "U1"},
            {"role": "assistant", "content": "A"},
            {"role": "user", "content": "U2"},
            {"role": "assistant", "content": None},
        ]
    )
    assert parts == [("S", 0.25), ("U1", 0.5), ("A", 0.25), ("U2", 1.0)]
    with pytest.raises(TypeError):
        conversation_parts(42)  # type: ignore[arg-type]


def test_unknown_feature_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown features"):
        FeatureScorer({"nope": 1.0}, 0.0)


def _seconds(scorer: FeatureScorer, prompt: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        scorer.score(prompt)
        best = min(best, time.perf_counter() - started)
    return best


def test_linear_time_on_a_large_prompt() -> None:
    scorer = FeatureScorer.default()
    unit = "Solve 3x + 4 = 19 (step 1), then explain why; the answer is NOT 7.\n"
    n = unit * (250_000 // len(unit))  # ~0.25 MB
    ratio = _seconds(scorer, n * 4) / _seconds(scorer, n)
    assert ratio < 16
