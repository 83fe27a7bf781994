"""RouteLLM's routing metrics: PGR curve, APGR and CPT.

A router sends the prompts it scores highest to the strong model. Sweeping the share of
prompts sent there from 0 to 1 traces average quality from the weak model's to the strong
model's; PGR (performance gap recovered) normalizes it so that weak-only is 0 and
strong-only is 1. APGR is the area under PGR against the share (a random router scores
0.5); CPT(x) is the smallest share that recovers ``x`` of the gap.

Tied scores are handled exactly: among ``m`` prompts with the same score, routing ``j`` of
them gains ``j / m`` of their summed gain, the average over every order of the tie. So a
constant scorer traces the diagonal and scores exactly 0.5.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["PGRCurve", "apgr", "cpt", "pgr_curve"]

PGRCurve = tuple[tuple[float, ...], tuple[float, ...]]
"""``(shares, pgrs)``: PGR after routing ``k`` of ``n`` prompts, at share ``k / n``."""


def pgr_curve(scores: Sequence[float], weak: Sequence[float], strong: Sequence[float]) -> PGRCurve:
    """PGR at every share ``k / n`` of prompts routed to the strong model.

    Args:
        scores: Router scores; higher goes to the strong model first.
        weak: The weak model's score on each prompt.
        strong: The strong model's score on each prompt.

    Returns:
        ``(shares, pgrs)``, each of length ``n + 1``; between the points PGR is linear.

    Raises:
        ValueError: If the lengths differ, there are no prompts, or both models score
            the same on average (PGR is undefined).

    Example:
        >>> pgr_curve([0.9, 0.1], weak=[0, 1], strong=[1, 1])
        ((0.0, 0.5, 1.0), (0.0, 1.0, 1.0))
    """
    n = len(scores)
    if n == 0 or len(weak) != n or len(strong) != n:
        raise ValueError("scores, weak and strong must be non-empty and of equal length")
    gap = sum(strong) - sum(weak)
    if gap == 0:
        raise ValueError("the strong and weak models score the same on average")
    order = sorted(range(n), key=lambda i: -scores[i])
    cumulative = [0.0]
    start = 0
    while start < n:  # one group of tied scores at a time
        end = start
        while end < n and scores[order[end]] == scores[order[start]]:
            end += 1
        size = end - start
        group_gain = sum(strong[order[i]] - weak[order[i]] for i in range(start, end))
        base = cumulative[-1]
        cumulative.extend(base + group_gain * j / size for j in range(1, size + 1))
        start = end
    shares = tuple(k / n for k in range(n + 1))
    return shares, tuple(c / gap for c in cumulative)


def apgr(scores: Sequence[float], weak: Sequence[float], strong: Sequence[float]) -> float:
    """Average PGR: the exact area under the PGR curve over shares 0 to 1.

    Args:
        scores: Router scores; higher goes to the strong model first.
        weak: The weak model's score on each prompt.
        strong: The strong model's score on each prompt.

    Returns:
        The area; 0.5 for a random (or constant) router, 1 or more for a perfect one.

    Example:
        >>> apgr([0.5, 0.5, 0.5, 0.5], weak=[0, 1, 0, 1], strong=[1, 1, 1, 0])
        0.5
    """
    shares, pgrs = pgr_curve(scores, weak, strong)
    return sum(
        (shares[i + 1] - shares[i]) * (pgrs[i] + pgrs[i + 1]) / 2 for i in range(len(shares) - 1)
    )


def cpt(
    scores: Sequence[float], weak: Sequence[float], strong: Sequence[float], target: float
) -> float:
    """Call-performance threshold: the smallest strong-call share whose PGR reaches ``target``.

    Args:
        scores: Router scores; higher goes to the strong model first.
        weak: The weak model's score on each prompt.
        strong: The strong model's score on each prompt.
        target: The PGR to reach, e.g. 0.5 for CPT(50%).

    Returns:
        The share in [0, 1], interpolated linearly between routed-prompt counts; 1.0 if
        the target is never reached.

    Example:
        >>> cpt([0.9, 0.1], weak=[0, 1], strong=[1, 1], target=0.5)
        0.25
    """
    shares, pgrs = pgr_curve(scores, weak, strong)
    if pgrs[0] >= target:
        return 0.0
    for i in range(1, len(pgrs)):
        if pgrs[i] >= target:
            lo, hi = pgrs[i - 1], pgrs[i]
            return shares[i - 1] + (shares[i] - shares[i - 1]) * (target - lo) / (hi - lo)
    return 1.0
