import random

import pytest
from complexity_data import dev_rows

from hybridchain.core.complexity import FeatureScorer, threshold_for_share


def test_threshold_hits_the_share_on_the_same_scores() -> None:
    scores = [i / 999 for i in range(1000)]
    for share in (0.1, 0.25, 0.5, 0.8):
        t = threshold_for_share(scores, share)
        assert sum(s >= t for s in scores) / len(scores) == pytest.approx(share, abs=0.002)


def test_edges_and_errors() -> None:
    assert threshold_for_share([0.2, 0.4], 1.0) == 0.2
    assert threshold_for_share([0.2, 0.4], 0.0) > 0.4
    with pytest.raises(ValueError):
        threshold_for_share([], 0.5)
    with pytest.raises(ValueError):
        threshold_for_share([0.1], 1.5)


@pytest.mark.parametrize("share", [0.2, 0.5, 0.8])
def test_threshold_generalizes_to_held_out_prompts(share: float) -> None:
    rows = dev_rows()
    random.Random(7).shuffle(rows)
    half = len(rows) // 2
    scorer = FeatureScorer.default()
    fit_scores = [scorer.score(r.prompt) for r in rows[:half]]
    held_scores = [scorer.score(r.prompt) for r in rows[half:]]
    t = threshold_for_share(fit_scores, share)
    routed = sum(s >= t for s in held_scores) / len(held_scores)
    assert routed == pytest.approx(share, abs=0.03)
