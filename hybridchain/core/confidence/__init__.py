"""Confidence signals and the escalation decision, on plain data (text, token log-probabilities).

No LangChain imports: :mod:`hybridchain.langchain.escalator` converts messages at the edge.
"""

from hybridchain.core.confidence.assessment import Assessment
from hybridchain.core.confidence.cascade import Cascade, OnSensitive, Step, StepAction
from hybridchain.core.confidence.combine import assess_answer, compute_signals
from hybridchain.core.confidence.consistency import (
    DEFAULT_REFRAMINGS,
    AgreementMeasure,
    agreement,
    normalize_answer,
    token_f1,
)
from hybridchain.core.confidence.errors import LocalModelUnavailableError
from hybridchain.core.confidence.logprobs import (
    TokenLogprob,
    first_token_margin,
    geometric_mean_prob,
    mean_logprob,
    min_token_prob,
    parse_logprobs,
)
from hybridchain.core.confidence.validity import (
    DEFAULT_HEDGES,
    DEFAULT_REFUSALS,
    FUNCTION_WORDS,
    echoes_question,
    hedging_score,
    is_empty,
    is_invalid,
    is_refusal,
)
from hybridchain.core.confidence.verifier import NO_TOKENS, VERIFIER_QUESTION, YES_TOKENS, p_true
from hybridchain.core.confidence.weights import (
    ConfidenceWeights,
    EvidenceSignal,
    PenaltySignal,
    SignalConfig,
)

__all__ = [
    "DEFAULT_HEDGES",
    "DEFAULT_REFRAMINGS",
    "DEFAULT_REFUSALS",
    "FUNCTION_WORDS",
    "NO_TOKENS",
    "VERIFIER_QUESTION",
    "YES_TOKENS",
    "AgreementMeasure",
    "Assessment",
    "Cascade",
    "ConfidenceWeights",
    "EvidenceSignal",
    "LocalModelUnavailableError",
    "OnSensitive",
    "PenaltySignal",
    "SignalConfig",
    "Step",
    "StepAction",
    "TokenLogprob",
    "agreement",
    "assess_answer",
    "compute_signals",
    "echoes_question",
    "first_token_margin",
    "geometric_mean_prob",
    "hedging_score",
    "is_empty",
    "is_invalid",
    "is_refusal",
    "mean_logprob",
    "min_token_prob",
    "normalize_answer",
    "p_true",
    "parse_logprobs",
    "token_f1",
]
