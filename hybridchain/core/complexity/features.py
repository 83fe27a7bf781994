"""Domain-general prompt features for complexity scoring, in pure Python.

Every feature is a monotone transform of a few counts taken in one pass per turn: length,
vocabulary rarity, numbers and operators, code, answer choices (how many, how long,
numeric or not), sentence structure and cue words (explain/prove/derive vs
what/who/define, design/implement, multi-step and constraint markers, chit-chat). Counts
of several turns are summed with the turns' weights before the transforms, so earlier
turns raise the score less than the newest one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from hybridchain.core.complexity.common_words import COMMON_WORDS
from hybridchain.core.complexity.conversation import WeightedText

__all__ = ["FEATURE_NAMES", "count_text", "features", "transform"]

_WORD = re.compile(r"[a-z]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_UPPER = re.compile(r"[A-Z]")
_CHOICE = re.compile(r"(?:^|\n)\s*\(?[A-Da-d][.)]\s")
_CHOICE_TEXT = re.compile(r"(?:^|\n)[ \t]*\(?[A-Da-d][.)][ \t]+([^\n]*)")
# A choice that is a number, maybe signed, with a short unit ("4", "-0.25", "38%", "3 m/s").
_NUMERIC_CHOICE = re.compile(r"[\s$~≈−+-]*\d[\d.,/:^×\s−-]*(?:%|[a-zA-Zµ°Ω/²³^·*\s-]{0,12})")
_ALL_OF = re.compile(r"\b(?:all|none) of (?:these|the above)\b|\b(?:both|neither)\b")

_EXPLAIN = frozenset(
    "why explain explaining explanation prove proof derive derivation justify justification "
    "demonstrate reason reasoning analyze analyse analysis evaluate assess critique discuss "
    "elaborate compare contrast argue interpret infer deduce conclude implications tradeoffs "
    "tradeoff pros cons".split()
)
_MAKE = frozenset(
    "design implement implementation build develop architect architecture refactor optimize "
    "optimise debug write code program script algorithm plan strategy propose draft compose "
    "generate create construct simulate model".split()
)
_MATH = frozenset(
    "calculate compute solve find total sum difference product percent percentage probability "
    "equation equations integral derivative expected average mean ratio rate value minimum "
    "maximum greatest least how many much remainder divisible prime".split()
)
_SHALLOW = frozenset(
    "what who when where which define definition meaning list name translate spell synonym "
    "capital called stand".split()
)
_CHITCHAT = frozenset(
    "hi hello hey hiya thanks thank thx lol ok okay bye goodbye cool awesome joke sup yo".split()
)
_STEPS = frozenset(
    "then after afterwards first second third finally next each every remaining twice half "
    "times per more less than before until while later left rest step steps stage stages".split()
)
_CONSTRAINTS = frozenset(
    "must should exactly least most only without ensure guarantee guarantees require requires "
    "requirement requirements constraint constraints within limit limited bound bounded "
    "assume assuming given suppose let if unless".split()
)
_NEGATION = frozenset("not except false incorrect never neither nor cannot".split())
_TECHNICAL = frozenset(
    "algorithm complexity distributed concurrency concurrent theorem lemma matrix vector "
    "eigenvalue polynomial asymptotic semantics correctness protocol latency throughput "
    "database kernel compiler recursion recursive function variable integer probability "
    "statistics regression quantum molecule molecular enzyme equilibrium momentum velocity "
    "acceleration voltage circuit entropy thermodynamics derivative integral convergence "
    "hypothesis coefficient logarithm exponential isomorphism homomorphism group ring field "
    "topology graph tree cryptography encryption consensus invariant proof formal logic "
    "optimization gradient neural network inference estimator variance".split()
)
_CONCEPT = frozenset(
    "why because explains explanation reason principle effect causes cause happens occurs "
    "primarily mainly best describes".split()
)
_CODE = frozenset(
    "def return class import function void int printf println lambda const var let async "
    "await struct public private static null none true false elif fn impl".split()
)

# Indices of the raw counts that `count_text` returns.
(
    _CHARS,
    _WORDS,
    _TYPES,
    _RARE,
    _LONG,
    _NUMBERS,
    _EQUALS,
    _OPERATORS,
    _SENTENCES,
    _QUESTIONS,
    _NEWLINES,
    _CODE_MARKS,
    _CHOICES,
    _EXPLAINS,
    _MAKES,
    _MATHS,
    _SHALLOWS,
    _CHITCHATS,
    _STEP_MARKS,
    _CONSTRAINT_MARKS,
    _NEGATIONS,
    _TECHNICALS,
    _CAPITALS,
    _NON_ASCII,
    _LATEX,
    _PARENS,
    _CHOICE_WORDS,
    _NUMERIC_CHOICES,
    _ALL_OFS,
    _CONCEPTS,
) = range(30)
_N_COUNTS = 30

FEATURE_NAMES: tuple[str, ...] = (
    "log_chars",
    "log_words",
    "log_rare",
    "rare_fraction",
    "long_fraction",
    "log_numbers",
    "number_density",
    "log_equals",
    "log_operators",
    "log_sentences",
    "log_words_per_sentence",
    "log_questions",
    "log_newlines",
    "log_code",
    "choices",
    "explain",
    "make",
    "math",
    "shallow",
    "chitchat",
    "steps",
    "constraints",
    "negation",
    "technical",
    "upper_per_word",
    "non_ascii_fraction",
    "log_latex",
    "log_parens",
    "log_choice_words",
    "numeric_choices",
    "all_of",
    "concept",
)
"""Names of the features `transform` returns, in order.

The last four describe answer choices and conceptual wording; they matter for
multiple-choice exam questions (conceptual questions with long, verbal choices gain more
from a strong model than computations with numeric choices) and the training command
fits them for such prompts only.
"""


def _is_rare(word: str) -> bool:
    if len(word) < 3:
        return False
    for suffix in ("s", "es", "ed", "d", "ing", "ly"):
        if word.endswith(suffix) and word[: -len(suffix)] in COMMON_WORDS:
            return False
    return True


def count_text(text: str) -> list[float]:
    """Raw counts of one text (characters, words, cue words, …), summed by `features`.

    Example:
        >>> counts = count_text("Why is 2 + 2 = 4? Prove it.")
        >>> len(counts), counts[0]
        (30, 27.0)
    """
    lower = text.lower()
    words = _WORD.findall(lower)
    types = set(words)
    uncommon = types - COMMON_WORDS
    rare = sum(1 for w in uncommon if _is_rare(w))
    long_types = sum(1 for w in uncommon if len(w) >= 9)
    code = 3 * text.count("```") + text.count(";") + text.count("{") + len(types & _CODE)
    choices = _CHOICE_TEXT.findall(text)
    choice_words = sum(len(c.split()) for c in choices)
    numeric = sum(1 for c in choices if _NUMERIC_CHOICE.fullmatch(c.strip()))
    return [
        float(len(text)),
        float(len(words)),
        float(len(types)),
        float(rare),
        float(long_types),
        float(len(_NUMBER.findall(text))),
        float(text.count("=")),
        float(sum(text.count(c) for c in "+*/^<>%")),
        float(len(_SENTENCE_END.findall(text)) or (1 if words else 0)),
        float(text.count("?")),
        float(text.count("\n")),
        float(code),
        float(len(_CHOICE.findall(text))),
        float(len(types & _EXPLAIN) + (1 if "step by step" in lower else 0)),
        float(len(types & _MAKE)),
        float(len(types & _MATH)),
        float(len(types & _SHALLOW)),
        float(len(types & _CHITCHAT) + lower.count("how are you") + lower.count("good morning")),
        float(len(types & _STEPS)),
        float(len(types & _CONSTRAINTS)),
        float(len(types & _NEGATION) + text.count("NOT") + text.count("EXCEPT")),
        float(len(types & _TECHNICAL)),
        float(len(_UPPER.findall(text))),
        float(len(text.encode("utf-8")) - len(text)),
        float(text.count("\\") + text.count("$")),
        float(text.count("(")),
        float(choice_words),
        float(numeric),
        float(len(_ALL_OF.findall(lower))),
        float(len(types & _CONCEPT)),
    ]


def transform(counts: Sequence[float]) -> list[float]:
    """Turn (weighted, summed) raw counts into the features named by `FEATURE_NAMES`.

    Example:
        >>> len(transform(count_text("hello"))) == len(FEATURE_NAMES)
        True
    """
    log = math.log1p
    words = max(counts[_WORDS], 1.0)
    types = max(counts[_TYPES], 1.0)
    chars = max(counts[_CHARS], 1.0)
    sentences = max(counts[_SENTENCES], 1.0)
    choices = max(counts[_CHOICES], 1.0)
    return [
        log(counts[_CHARS]),
        log(counts[_WORDS]),
        log(counts[_RARE]),
        counts[_RARE] / types,
        counts[_LONG] / types,
        log(counts[_NUMBERS]),
        counts[_NUMBERS] / words,
        log(counts[_EQUALS]),
        log(counts[_OPERATORS]),
        log(counts[_SENTENCES]),
        log(counts[_WORDS] / sentences),
        log(counts[_QUESTIONS]),
        log(counts[_NEWLINES]),
        log(counts[_CODE_MARKS]),
        min(counts[_CHOICES], 4.0) / 4.0,
        log(counts[_EXPLAINS]),
        log(counts[_MAKES]),
        log(counts[_MATHS]),
        log(counts[_SHALLOWS]),
        log(counts[_CHITCHATS]),
        log(counts[_STEP_MARKS]),
        log(counts[_CONSTRAINT_MARKS]),
        log(counts[_NEGATIONS]),
        log(counts[_TECHNICALS]),
        min(counts[_CAPITALS] / words, 2.0),
        min(counts[_NON_ASCII] / chars, 1.0),
        log(counts[_LATEX]),
        log(counts[_PARENS]),
        log(counts[_CHOICE_WORDS] / choices),
        min(counts[_NUMERIC_CHOICES] / choices, 1.0),
        log(counts[_ALL_OFS]),
        log(counts[_CONCEPTS]),
    ]


def features(parts: Sequence[WeightedText]) -> list[float]:
    """Features of weighted texts: counts summed with the weights, then transformed.

    Args:
        parts: ``(text, weight)`` pairs, e.g. from `conversation_parts`.

    Returns:
        One value per name in `FEATURE_NAMES`.

    Example:
        >>> short = features([("hi", 1.0)])
        >>> long = features([("hi " * 100, 1.0)])
        >>> long[0] > short[0]
        True
    """
    if len(parts) == 1 and parts[0][1] == 1.0:
        return transform(count_text(parts[0][0]))
    total = [0.0] * _N_COUNTS
    for text, weight in parts:
        for i, value in enumerate(count_text(text)):
            total[i] += weight * value
    return transform(total)
