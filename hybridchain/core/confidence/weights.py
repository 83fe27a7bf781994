"""Typed configuration of the confidence signals and of how they combine."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hybridchain.core.confidence.consistency import AgreementMeasure
from hybridchain.core.confidence.validity import DEFAULT_HEDGES, DEFAULT_REFUSALS
from hybridchain.core.confidence.verifier import NO_TOKENS, YES_TOKENS

__all__ = ["ConfidenceWeights", "EvidenceSignal", "PenaltySignal", "SignalConfig"]

EvidenceSignal = Literal[
    "min_prob", "mean_prob", "first_margin", "answer_prob", "p_true", "consistency"
]
"""Signals in ``[0, 1]`` that are higher for better answers; each may be missing."""
PenaltySignal = Literal["empty", "refusal", "hedging", "invalid", "echo"]
"""Signals in ``[0, 1]`` that are higher for worse answers, read from the text (``invalid``
only with a validator, ``echo`` only when the question is known)."""


def _evidence() -> dict[EvidenceSignal, float]:
    return {
        "mean_prob": 4.0,
        "min_prob": 2.0,
        "first_margin": 1.5,
        "answer_prob": 5.0,
        "p_true": 3.0,
        "consistency": 4.0,
    }


def _centers() -> dict[EvidenceSignal, float]:
    return {
        "mean_prob": 0.6,
        "min_prob": 0.3,
        "first_margin": 0.3,
        "answer_prob": 0.3,
        "p_true": 0.5,
        "consistency": 0.6,
    }


def _penalties() -> dict[PenaltySignal, float]:
    return {"empty": -6.0, "refusal": -3.0, "hedging": -2.0, "invalid": -4.0, "echo": -8.0}


class ConfidenceWeights(BaseModel):
    """A logistic model over the signals, robust to missing ones.

    ``confidence = sigmoid(z)`` with::

        z = bias + R · Σ_available evidence[s] · (x_s − centers[s]) + Σ penalties[p] · x_p
        R = Σ_all evidence / Σ_available evidence     (1 when ``renormalize`` is off)

    A missing evidence signal counts as neutral, and ``R`` gives the available ones
    the weight of the full set, so a model without log-probabilities is judged by its
    samples or verifier alone rather than pulled towards ``bias``. With no evidence at
    all, ``sigmoid(bias)`` (≈ 0.65) minus the text penalties decides. When every
    signal is present this is a plain logistic regression with intercept
    ``bias − Σ evidence·centers``: to ship fitted coefficients, set ``centers`` to 0
    and ``bias`` to the intercept. Serialize with ``model_dump_json()`` and load with
    ``ConfidenceWeights.model_validate_json(text)``.

    Example:
        >>> w = ConfidenceWeights()
        >>> round(w.confidence({"mean_prob": 0.9, "min_prob": 0.6, "first_margin": 0.5}), 3)
        0.998
        >>> round(w.confidence({"hedging": 1.0}), 3)
        0.198
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    bias: float = 0.6
    """Logit when every evidence signal sits at its center (or is missing) and no penalty fires."""
    evidence: dict[EvidenceSignal, float] = Field(default_factory=_evidence)
    """Coefficient of each evidence signal (0 turns it off)."""
    centers: dict[EvidenceSignal, float] = Field(default_factory=_centers)
    """Neutral value of each evidence signal: below it lowers the confidence."""
    penalties: dict[PenaltySignal, float] = Field(default_factory=_penalties)
    """Coefficient (negative) of each penalty signal."""
    renormalize: bool = True
    """Scale the available evidence up to the weight of the full set."""

    def logit(self, signals: dict[str, float]) -> float:
        """Return ``z`` for the given signals (unknown names are ignored)."""
        available = {s: w for s, w in self.evidence.items() if s in signals and w}
        z = self.bias
        if available:
            total = sum(abs(w) for w in self.evidence.values())
            scale = total / sum(abs(w) for w in available.values()) if self.renormalize else 1.0
            z += scale * sum(
                w * (signals[s] - self.centers.get(s, 0.0)) for s, w in available.items()
            )
        z += sum(w * signals[p] for p, w in self.penalties.items() if p in signals)
        return z

    def confidence(self, signals: dict[str, float]) -> float:
        """Return ``sigmoid(logit(signals))``, in ``[0, 1]``."""
        z = max(-60.0, min(60.0, self.logit(signals)))
        return 1.0 / (1.0 + math.exp(-z))


class SignalConfig(BaseModel):
    """Which phrases and measures the signals use, and the weights that combine them.

    Example:
        >>> SignalConfig(hedges=("perhaps",)).weights.bias
        0.6
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    weights: ConfidenceWeights = Field(default_factory=ConfidenceWeights)
    """How the signals combine into one confidence."""
    hedges: tuple[str, ...] = DEFAULT_HEDGES
    """Hedging phrases (whole words, case-insensitive)."""
    hedge_saturation: int = Field(default=2, ge=1)
    """Number of hedges at which the hedging signal reaches 1."""
    refusals: tuple[str, ...] = DEFAULT_REFUSALS
    """Refusal phrases, looked for at the start of the answer."""
    refusal_window: int = Field(default=200, ge=1)
    """How many leading characters are searched for a refusal."""
    echo_max_words: int = Field(default=40, ge=0)
    """Questions up to this many words are checked for answers that only repeat them
    (0 turns the ``echo`` signal off)."""
    agreement: AgreementMeasure = "f1"
    """How self-consistency samples are compared with the answer."""
    yes_tokens: tuple[str, ...] = YES_TOKENS
    """Verifier first tokens meaning "correct"."""
    no_tokens: tuple[str, ...] = NO_TOKENS
    """Verifier first tokens meaning "wrong"."""
