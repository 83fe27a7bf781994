"""Complexity scoring: how likely a prompt needs the stronger model, and routing metrics."""

from hybridchain.core.complexity.calibration import threshold_for_share
from hybridchain.core.complexity.conversation import (
    ScorerInput,
    conversation_parts,
    conversation_text,
)
from hybridchain.core.complexity.metrics import PGRCurve, apgr, cpt, pgr_curve
from hybridchain.core.complexity.scorer import FeatureScorer, Scorer

__all__ = [
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
