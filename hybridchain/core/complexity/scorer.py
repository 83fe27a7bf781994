"""The default complexity scorer: a small logistic model over prompt features.

Its parameters ship in ``params.json`` next to this module, produced by
``python -m hybridchain.core.complexity.train`` from RouteLLM's recorded outcomes (see
`hybridchain.core.complexity.train` for the data's origin and license). Scoring needs no
network and no dependency beyond the standard library.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from hybridchain.core.complexity.conversation import ScorerInput, conversation_parts
from hybridchain.core.complexity.features import FEATURE_NAMES, features

__all__ = ["CHOICE_CUTOFF", "PARAMS_PATH", "FeatureScorer", "Scorer"]

PARAMS_PATH = Path(__file__).with_name("params.json")
"""The shipped parameters of `FeatureScorer.default`."""

CHOICE_CUTOFF = 0.5
"""A prompt whose ``choices`` feature reaches this (2+ of A-D) gets the choice weights."""

_CHOICES = FEATURE_NAMES.index("choices")


@runtime_checkable
class Scorer(Protocol):
    """Scores how likely a prompt needs the stronger model, in [0, 1] (higher: stronger)."""

    def score(self, text_or_messages: ScorerInput) -> float:
        """Score a prompt string or a list of ``{"role", "content"}`` messages."""
        ...


class FeatureScorer:
    """Logistic model over the features of `hybridchain.core.complexity.features`.

    Deterministic, pure Python, tens of microseconds per prompt. The score estimates how
    much the strong model's answer gains over the weak one's (0.5: no difference); turn it
    into a route with a threshold from `threshold_for_share`. Multiple-choice prompts add a
    second set of weights (``choice_weights``) to the first.

    Example:
        >>> scorer = FeatureScorer.default()
        >>> easy = scorer.score("hi, how are you?")
        >>> hard = scorer.score(
        ...     "Design a distributed rate limiter with exactly-once semantics and prove "
        ...     "its correctness."
        ... )
        >>> 0.0 <= easy < hard <= 1.0
        True
    """

    def __init__(
        self,
        weights: Mapping[str, float],
        bias: float,
        metadata: Mapping[str, Any] | None = None,
        choice_weights: Mapping[str, float] | None = None,
    ) -> None:
        """Build a scorer from per-feature weights and a bias (log-odds).

        Args:
            weights: Weight of each feature, by name; features not named weigh 0.
            bias: The intercept, in log-odds.
            metadata: Provenance (data, training command, metrics), kept as is.
            choice_weights: Weights added for prompts with answer choices.

        Raises:
            ValueError: If a weight names an unknown feature.
        """
        choice_weights = choice_weights or {}
        unknown = (set(weights) | set(choice_weights)) - set(FEATURE_NAMES)
        if unknown:
            raise ValueError(f"unknown features: {sorted(unknown)}")
        self.weights: tuple[float, ...] = tuple(float(weights.get(n, 0.0)) for n in FEATURE_NAMES)
        """Weights in `FEATURE_NAMES` order."""
        self.choice_weights: tuple[float, ...] = tuple(
            float(choice_weights.get(n, 0.0)) for n in FEATURE_NAMES
        )
        """Weights added when the prompt has answer choices, in `FEATURE_NAMES` order."""
        self.bias = float(bias)
        """Intercept, in log-odds."""
        self.metadata: Mapping[str, Any] = dict(metadata or {})
        """Provenance of the parameters."""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> FeatureScorer:
        """Build a scorer from the parsed contents of a ``params.json`` file."""
        return cls(
            params["weights"], params["bias"], params.get("metadata"), params.get("choice_weights")
        )

    @classmethod
    def from_file(cls, path: str | Path) -> FeatureScorer:
        """Load a scorer from a ``params.json`` file written by the training command."""
        return cls.from_params(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def default(cls) -> FeatureScorer:
        """The scorer with the parameters shipped in the package (loaded once, offline)."""
        return _default()

    def log_odds(self, values: Sequence[float]) -> float:
        """The model's log-odds for precomputed feature values."""
        z = self.bias + sum(w * v for w, v in zip(self.weights, values, strict=True))
        if values[_CHOICES] >= CHOICE_CUTOFF:
            z += sum(w * v for w, v in zip(self.choice_weights, values, strict=True))
        return z

    def score(self, text_or_messages: ScorerInput) -> float:
        """Score a prompt string or a list of ``{"role", "content"}`` messages, in [0, 1]."""
        z = self.log_odds(features(conversation_parts(text_or_messages)))
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)


@cache
def _default() -> FeatureScorer:
    return FeatureScorer.from_file(PARAMS_PATH)
