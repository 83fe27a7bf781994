"""P(True): how strongly a verifier model answers "Yes" to "Is this answer correct?"."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from hybridchain.core.confidence.logprobs import TokenLogprob

__all__ = ["NO_TOKENS", "VERIFIER_QUESTION", "YES_TOKENS", "p_true"]

VERIFIER_QUESTION = "Is the answer above correct? Reply with Yes or No only."
"""The question put to the verifier after the conversation and the proposed answer."""
YES_TOKENS: tuple[str, ...] = ("yes", "true", "correct")
"""First tokens read as "the answer is correct" (compared stripped and case-folded)."""
NO_TOKENS: tuple[str, ...] = ("no", "false", "incorrect", "wrong")
"""First tokens read as "the answer is wrong"."""


def _norm(token: str) -> str:
    return token.strip().strip(".,:;!\"'*").casefold()


def p_true(
    tokens: Sequence[TokenLogprob],
    text: str | None = None,
    yes: Iterable[str] = YES_TOKENS,
    no: Iterable[str] = NO_TOKENS,
) -> float | None:
    """Return P(Yes) / (P(Yes) + P(No)) at the verifier's first non-blank token.

    The probabilities of every spelling (``Yes``, `` yes``, ``YES``) are summed over
    the token's ``top_logprobs`` (and the token itself). Without log-probabilities
    the verdict is read from ``text``: ``1.0`` for yes, ``0.0`` for no. ``None`` when
    neither answer can be found.

    >>> tok = TokenLogprob("Yes", math.log(0.6), (("Yes", math.log(0.6)), (" no", math.log(0.2))))
    >>> p_true([tok])
    0.75
    >>> p_true([], text="No, it is wrong.")
    0.0
    """
    yes_set, no_set = {_norm(y) for y in yes}, {_norm(n) for n in no}
    first = next((t for t in tokens if t.token.strip()), None)
    if first is not None:
        alternatives = dict(first.top)
        alternatives.setdefault(first.token, first.logprob)
        p_yes = sum(math.exp(lp) for t, lp in alternatives.items() if _norm(t) in yes_set)
        p_no = sum(math.exp(lp) for t, lp in alternatives.items() if _norm(t) in no_set)
        if p_yes + p_no > 0:
            return round(p_yes / (p_yes + p_no), 12)
    words = (text or "").split()
    verdict = _norm(words[0]) if words else ""
    if verdict in yes_set:
        return 1.0
    if verdict in no_set:
        return 0.0
    return None
