"""Complexity scoring: how likely a prompt needs the stronger model, and routing metrics."""

from typing import TYPE_CHECKING, Any

from hybridchain.core.complexity.calibration import threshold_for_share
from hybridchain.core.complexity.conversation import (
    ScorerInput,
    conversation_parts,
    conversation_text,
)
from hybridchain.core.complexity.metrics import PGRCurve, apgr, cpt, pgr_curve
from hybridchain.core.complexity.scorer import FeatureScorer, Scorer

if TYPE_CHECKING:
    from hybridchain.core.complexity.embedding import EmbeddingScorer

__all__ = [
    "EmbeddingScorer",
    "FeatureScorer",
    "PGRCurve",
    "Scorer",
    "ScorerInput",
    "apgr",
    "conversation_parts",
    "conversation_text",
    "cpt",
    "pgr_curve",
    "threshold_for_share",
]


def __getattr__(name: str) -> Any:
    # EmbeddingScorer's module is light, but keep it (and its optional extra) off the
    # package's import path.
    if name == "EmbeddingScorer":
        from hybridchain.core.complexity.embedding import EmbeddingScorer

        return EmbeddingScorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
