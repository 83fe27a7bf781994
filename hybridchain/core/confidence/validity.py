"""Signals read from the answer's wording: empty, refusing, hedging, or rejected by a validator."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable

__all__ = [
    "DEFAULT_HEDGES",
    "DEFAULT_REFUSALS",
    "FUNCTION_WORDS",
    "echoes_question",
    "hedging_score",
    "is_empty",
    "is_invalid",
    "is_refusal",
]

logger = logging.getLogger("hybridchain.confidence")

DEFAULT_HEDGES: tuple[str, ...] = (
    "i think",
    "i believe",
    "i guess",
    "i'm not sure",
    "not sure",
    "not certain",
    "i'm not certain",
    "maybe",
    "possibly",
    "perhaps",
    "probably",
    "might be",
    "could be",
    "it seems",
    "it appears",
    "unclear",
    "if i recall",
    "to my knowledge",
    "as far as i know",
)
"""Phrases that hedge a claim (matched case-insensitively as whole words)."""

DEFAULT_REFUSALS: tuple[str, ...] = (
    "i can't",
    "i cannot",
    "i can not",
    "i'm unable",
    "i am unable",
    "i'm not able",
    "i am not able",
    "i won't be able",
    "as an ai",
    "as a language model",
    "as an assistant",
    "i'm sorry, but",
    "i apologize, but",
    "i don't know",
    "i do not know",
    "i don't have access",
    "i do not have access",
)
"""Phrases that decline or fail to answer, looked for at the start of the answer."""

FUNCTION_WORDS: frozenset[str] = frozenset(
    "a an the of in on at to into from by with for as and or but not no is are was were be "
    "been being am do does did has have had it its this that these those there here what "
    "which who whom whose when where why how many much some any one".split()
)
"""Words an answer may share with its question without repeating it (English)."""

_WORD = re.compile(r"\w+")
_ALTERNATIVES = re.compile(r"\b(?:or|either|whether)\b|(?:^|\s)\(?[A-Da-d][.)]\s", re.IGNORECASE)

# Requests whose answer is made of the request's own words: sort, repeat, reformat, translate.
_REWORDING = frozenset(
    "sort order reorder rearrange repeat spell translate capitalize capitalise uppercase "
    "lowercase reverse rewrite rephrase correct fix format convert copy quote extract".split()
)

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def _pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    alternatives = sorted({p.casefold() for p in phrases if p}, key=len, reverse=True)
    if not alternatives:
        return re.compile(r"(?!)")
    return re.compile(r"\b(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")


def _fold(text: str) -> str:
    return text.translate(_APOSTROPHES).casefold()


def is_empty(text: str) -> bool:
    """Return whether the answer has no visible text.

    >>> is_empty("   "), is_empty("42")
    (True, False)
    """
    return not text.strip()


def is_refusal(text: str, phrases: Iterable[str] = DEFAULT_REFUSALS, window: int = 200) -> bool:
    """Return whether the first ``window`` characters decline or fail to answer.

    >>> is_refusal("I\u2019m sorry, but I can\u2019t help with that."), is_refusal("Paris.")
    (True, False)
    """
    return _pattern(phrases).search(_fold(text[:window])) is not None


def hedging_score(text: str, phrases: Iterable[str] = DEFAULT_HEDGES, saturation: int = 2) -> float:
    """Return ``min(1, hedges / saturation)``: how much the answer hedges, in ``[0, 1]``.

    >>> hedging_score("I think it is maybe Lyon."), hedging_score("It is Lyon.")
    (1.0, 0.0)
    """
    count = len(_pattern(phrases).findall(_fold(text)))
    return min(1.0, count / max(1, saturation))


def echoes_question(answer: str, question: str, max_words: int = 40) -> bool:
    """Return whether the answer only repeats words of a short, direct question.

    Small models often answer by parroting the question ("What is the capital of
    Iceland?" → "Iceland"): an answer whose words all appear in the question, beyond
    function words, adds nothing and is usually wrong. Only questions count (a ``?``);
    never those that offer alternatives (``or``, lettered choices), ask for the words
    back (sort, repeat, translate, …), or are long, where the answer may be quoted
    from the given text.

    Args:
        answer: The answer's text.
        question: The request's last user message.
        max_words: Longer questions are not checked.

    Returns:
        True when the answer has a content word and every word of it is in the question.

    >>> echoes_question("Iceland", "What is the capital of Iceland?")
    True
    >>> echoes_question("Reykjavik, the capital of Iceland.", "What is the capital of Iceland?")
    False
    >>> echoes_question("Tea", "Tea or coffee?")
    False
    >>> echoes_question("Monday, Tuesday", "Monday, Tuesday, Wednesday,")
    False
    """
    asked = _WORD.findall(_fold(question))
    if not asked or len(asked) > max_words or "?" not in question:
        return False
    if _ALTERNATIVES.search(question) or not _REWORDING.isdisjoint(asked):
        return False
    said = _WORD.findall(_fold(answer))
    if not any(word not in FUNCTION_WORDS for word in said):
        return False
    return set(said) <= set(asked)


def is_invalid(text: str, validator: Callable[[str], bool]) -> bool:
    """Return whether ``validator`` rejects the answer (raising counts as rejecting).

    >>> import json
    >>> def parses(text: str) -> bool:
    ...     return isinstance(json.loads(text), dict)
    >>> is_invalid('{"a": 1}', parses), is_invalid("not json", parses)
    (False, True)
    """
    try:
        return not validator(text)
    except Exception as exc:
        # The exception's message may quote the answer: log its type only.
        logger.debug("validator raised %s: answer treated as invalid", type(exc).__name__)
        return True
