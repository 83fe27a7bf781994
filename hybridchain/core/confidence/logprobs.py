"""Token log-probability signals, read from the OpenAI-style ``logprobs`` payload.

ChatOpenAI puts ``{"content": [{"token", "logprob", "top_logprobs": [...]}, ...]}`` in
``AIMessage.response_metadata["logprobs"]``; Ollama's client gives the bare list. Both
shapes, as mappings or as objects with those attributes, are read here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "TokenLogprob",
    "answer_prob",
    "first_token_margin",
    "geometric_mean_prob",
    "mean_logprob",
    "min_token_prob",
    "parse_logprobs",
]


@dataclass(frozen=True, slots=True)
class TokenLogprob:
    """One generated token, its log-probability and the most likely alternatives."""

    token: str
    """The generated token."""
    logprob: float
    """Natural-log probability of the generated token."""
    top: tuple[tuple[str, float], ...] = ()
    """The most likely tokens at this position and their log-probabilities."""

    @property
    def prob(self) -> float:
        """Probability of the generated token."""
        return _exp(self.logprob)


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _exp(logprob: float) -> float:
    return math.exp(logprob) if logprob > -700 else 0.0


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return None
    return min(0.0, float(value))


def parse_logprobs(raw: Any) -> list[TokenLogprob]:
    """Return the tokens of an OpenAI-style ``logprobs`` payload (``[]`` when unreadable).

    >>> raw = {"content": [{"token": "Paris", "logprob": -0.1,
    ...                     "top_logprobs": [{"token": "Paris", "logprob": -0.1}]}]}
    >>> parse_logprobs(raw)[0].token
    'Paris'
    """
    content = _get(raw, "content") if raw is not None and not isinstance(raw, list) else raw
    if not isinstance(content, Sequence) or isinstance(content, str):
        return []
    tokens: list[TokenLogprob] = []
    for item in content:
        token, logprob = _get(item, "token"), _number(_get(item, "logprob"))
        if not isinstance(token, str) or logprob is None:
            continue
        top: list[tuple[str, float]] = []
        for alt in _get(item, "top_logprobs") or ():
            alt_token, alt_logprob = _get(alt, "token"), _number(_get(alt, "logprob"))
            if isinstance(alt_token, str) and alt_logprob is not None:
                top.append((alt_token, alt_logprob))
        tokens.append(TokenLogprob(token, logprob, tuple(top)))
    return tokens


def min_token_prob(tokens: Sequence[TokenLogprob]) -> float | None:
    """Return the probability of the least likely generated token (``None``: no tokens).

    One very unlikely token often marks a guessed name, number or date.

    >>> min_token_prob([TokenLogprob("a", math.log(0.9)), TokenLogprob("b", math.log(0.2))])
    0.2
    """
    return round(min(t.prob for t in tokens), 12) if tokens else None


def answer_prob(tokens: Sequence[TokenLogprob]) -> float | None:
    r"""Return the probability of the answer's first line: the product of its tokens' probabilities.

    Unlike the length-normalized :func:`geometric_mean_prob`, this is the chance that the
    model says exactly this answer, so a long guess scores lower than a short sure one.
    Leading blank tokens are skipped and the line ends before the first token with a line
    break, so a model that stops cleanly is not judged by its stop token. Meant for short
    answers: a long first line drives it towards 0. ``None`` when no tokens are given.

    >>> toks = [TokenLogprob(" Pa", math.log(0.9)), TokenLogprob("ris", math.log(0.8)),
    ...         TokenLogprob("\n", math.log(0.1)), TokenLogprob("Q", math.log(0.1))]
    >>> round(answer_prob(toks), 6)
    0.72
    """
    if not tokens:
        return None
    logprob = 0.0
    started = False
    for t in tokens:
        blank = not t.token.strip()
        if started and "\n" in t.token:
            break
        if not blank:
            started = True
        if started:
            logprob += t.logprob
    return round(_exp(logprob), 12) if started else min_token_prob(tokens)


def mean_logprob(tokens: Sequence[TokenLogprob]) -> float | None:
    """Return the mean log-probability of the generated tokens (``None``: no tokens)."""
    return sum(t.logprob for t in tokens) / len(tokens) if tokens else None


def geometric_mean_prob(tokens: Sequence[TokenLogprob]) -> float | None:
    """Return ``exp(mean log-probability)``: the length-normalized sequence probability.

    >>> geometric_mean_prob([TokenLogprob("a", math.log(0.8)), TokenLogprob("b", math.log(0.2))])
    0.4
    """
    mean = mean_logprob(tokens)
    return None if mean is None else round(_exp(mean), 12)


def first_token_margin(tokens: Sequence[TokenLogprob]) -> float | None:
    """Return top-1 minus top-2 probability at the first non-blank token.

    Read from ``top_logprobs``; with a single alternative listed the runner-up is
    bounded by the remaining mass, giving ``max(0, 2·p1 − 1)``. ``None`` when no
    alternatives were returned (ask for ``top_logprobs`` ≥ 2).

    >>> tok = TokenLogprob("Yes", math.log(0.7), (("Yes", math.log(0.7)), ("No", math.log(0.2))))
    >>> round(first_token_margin([TokenLogprob(" ", 0.0), tok]), 6)
    0.5
    """
    first = next((t for t in tokens if t.token.strip()), tokens[0] if tokens else None)
    if first is None or not first.top:
        return None
    probs = sorted((_exp(lp) for _, lp in first.top), reverse=True)
    if len(probs) == 1:
        return max(0.0, 2 * probs[0] - 1)
    return max(0.0, probs[0] - probs[1])
