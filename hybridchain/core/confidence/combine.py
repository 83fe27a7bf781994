"""Compute an answer's signals and combine them into one :class:`Assessment`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hybridchain.core.confidence.assessment import Assessment
from hybridchain.core.confidence.consistency import agreement
from hybridchain.core.confidence.logprobs import (
    answer_prob,
    first_token_margin,
    geometric_mean_prob,
    mean_logprob,
    min_token_prob,
    parse_logprobs,
)
from hybridchain.core.confidence.validity import (
    echoes_question,
    hedging_score,
    is_empty,
    is_invalid,
    is_refusal,
)
from hybridchain.core.confidence.weights import SignalConfig

__all__ = ["assess_answer", "compute_signals"]

_DEFAULT = SignalConfig()


def compute_signals(
    text: str,
    logprobs: Any = None,
    *,
    samples: Sequence[str] | None = None,
    p_true: float | None = None,
    validator: Callable[[str], bool] | None = None,
    question: str | None = None,
    config: SignalConfig = _DEFAULT,
) -> dict[str, float]:
    """Return every signal the inputs allow, by name.

    Args:
        text: The answer's text.
        logprobs: The OpenAI-style ``logprobs`` payload of the answer, if any.
        samples: Other answers to the same request (self-consistency), if sampled.
        p_true: The verifier's P(True), if asked (see :func:`~.verifier.p_true`).
        validator: A check the answer must pass (an output parser, a JSON schema).
        question: The request's last user message, to tell an answer that only repeats
            it (``echo``, see :func:`~.validity.echoes_question`).
        config: Phrases and measures.

    Returns:
        ``min_prob``, ``mean_prob``, ``mean_logprob``, ``first_margin`` and
        ``answer_prob`` when the log-probabilities allow; ``consistency``, ``p_true``,
        ``invalid`` and ``echo`` when given what they need; ``empty``, ``refusal`` and
        ``hedging`` always.

    >>> compute_signals("I think it's Paris.")["hedging"]
    0.5
    >>> compute_signals("France", question="What is the capital of France?")["echo"]
    1.0
    """
    signals: dict[str, float] = {}
    tokens = parse_logprobs(logprobs)
    token_signals = {
        "min_prob": min_token_prob(tokens),
        "mean_prob": geometric_mean_prob(tokens),
        "mean_logprob": mean_logprob(tokens),
        "first_margin": first_token_margin(tokens),
        "answer_prob": answer_prob(tokens),
        "consistency": agreement(text, samples, config.agreement) if samples else None,
        "p_true": p_true,
    }
    signals.update({k: float(v) for k, v in token_signals.items() if v is not None})
    empty = is_empty(text)
    signals["empty"] = float(empty)
    signals["refusal"] = float(
        not empty and is_refusal(text, config.refusals, config.refusal_window)
    )
    signals["hedging"] = hedging_score(text, config.hedges, config.hedge_saturation)
    if validator is not None:
        signals["invalid"] = float(is_invalid(text, validator))
    if question is not None and config.echo_max_words:
        signals["echo"] = float(echoes_question(text, question, config.echo_max_words))
    return signals


def _reasons(signals: dict[str, float], config: SignalConfig) -> list[str]:
    evidence = [s for s in config.weights.evidence if s in signals]
    reasons = [f"evidence: {', '.join(evidence)}" if evidence else "no evidence signal"]
    if "mean_prob" not in signals:
        reasons.append("no token log-probabilities")
    notes = {
        "empty": "empty answer",
        "refusal": "answer declines",
        "invalid": "validator rejected the answer",
        "echo": "answer only repeats the question",
    }
    reasons.extend(note for key, note in notes.items() if signals.get(key))
    if signals.get("hedging"):
        reasons.append(f"hedging {signals['hedging']:.2f}")
    return reasons


def assess_answer(
    text: str,
    logprobs: Any = None,
    *,
    samples: Sequence[str] | None = None,
    p_true: float | None = None,
    validator: Callable[[str], bool] | None = None,
    question: str | None = None,
    config: SignalConfig = _DEFAULT,
) -> Assessment:
    """Return the answer's :class:`Assessment`: its signals and their combination.

    Arguments are those of :func:`compute_signals`.

    >>> import math
    >>> raw = [{"token": "Paris", "logprob": math.log(0.97), "top_logprobs": []}]
    >>> assess_answer("Paris", raw).confidence > 0.9
    True
    >>> assess_answer("").confidence < 0.01
    True
    """
    signals = compute_signals(
        text,
        logprobs,
        samples=samples,
        p_true=p_true,
        validator=validator,
        question=question,
        config=config,
    )
    confidence = round(config.weights.confidence(signals), 6)
    return Assessment(confidence, signals, tuple(_reasons(signals, config)))
