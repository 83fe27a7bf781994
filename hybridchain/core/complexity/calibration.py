"""Calibrate a routing threshold so that a chosen share of prompts goes to the cloud."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["threshold_for_share"]


def threshold_for_share(scores: Sequence[float], share: float) -> float:
    """The threshold that sends ``share`` of these prompts to the strong (cloud) model.

    RouteLLM-style calibration: the ``1 - share`` quantile (linear interpolation) of scores
    from representative traffic. A prompt goes to the strong model when its score is
    ``>=`` the threshold.

    Args:
        scores: Scores of representative prompts.
        share: The wanted strong-call share, in [0, 1].

    Returns:
        The threshold; above every score when ``share`` is 0.

    Raises:
        ValueError: If ``scores`` is empty or ``share`` is outside [0, 1].

    Example:
        >>> threshold_for_share([0.1, 0.2, 0.3, 0.4, 0.5], 0.5)
        0.3
        >>> threshold_for_share([0.1, 0.2], 0.0) > 0.2
        True
    """
    if not scores:
        raise ValueError("need at least one score")
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be in [0, 1], got {share}")
    ordered = sorted(scores)
    if share == 0.0:
        return math.nextafter(ordered[-1], math.inf)
    position = (1.0 - share) * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
