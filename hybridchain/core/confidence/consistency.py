"""Self-consistency: how well an answer agrees with other samples of the same question."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from typing import Literal

__all__ = ["DEFAULT_REFRAMINGS", "AgreementMeasure", "agreement", "normalize_answer", "token_f1"]

AgreementMeasure = Literal["exact", "f1"]
"""``exact``: normalized strings equal; ``f1``: token-overlap F1 of normalized strings."""

DEFAULT_REFRAMINGS: tuple[str, ...] = (
    "Question: {question}\nAnswer:",
    "{question}\nAnswer in a few words.",
)
"""Other ways to put the same question (``{question}``: the user's message), for
consistency across framings: a small model's answer that changes with the wording is
unsure even when its tokens look confident."""

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation, articles and extra spaces (as SQuAD scores answers).

    >>> normalize_answer("The Eiffel Tower!")
    'eiffel tower'
    """
    return " ".join(_ARTICLES.sub(" ", text.casefold().translate(_PUNCT)).split())


def token_f1(a: str, b: str) -> float:
    """Return the token-overlap F1 of two normalized answers (``1.0`` when both are empty).

    >>> token_f1("the eiffel tower", "Eiffel Tower in Paris")
    0.666666666667
    """
    ta, tb = normalize_answer(a).split(), normalize_answer(b).split()
    if not ta or not tb:
        return 1.0 if ta == tb else 0.0
    common = sum((Counter(ta) & Counter(tb)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(ta), common / len(tb)
    return round(2 * precision * recall / (precision + recall), 12)


def agreement(
    answer: str, samples: Sequence[str], measure: AgreementMeasure = "f1"
) -> float | None:
    """Return the mean agreement of ``answer`` with each sample (``None``: no samples).

    >>> agreement("Paris.", ["paris", "Paris", "Lyon"], measure="exact")
    0.666666666667
    """
    if not samples:
        return None
    if measure == "exact":
        target = normalize_answer(answer)
        scores = [1.0 if normalize_answer(s) == target else 0.0 for s in samples]
    else:
        scores = [token_f1(answer, s) for s in samples]
    return round(sum(scores) / len(scores), 12)
