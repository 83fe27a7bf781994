import pytest

from hybridchain.core.complexity import apgr, cpt, pgr_curve

WEAK = [0.0, 0.0, 1.0, 1.0]
STRONG = [1.0, 1.0, 1.0, 1.0]  # gap = 2: only the first two prompts gain


def test_perfect_router_recovers_the_gap_first() -> None:
    shares, pgrs = pgr_curve([0.9, 0.8, 0.1, 0.2], WEAK, STRONG)
    assert shares == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert pgrs == (0.0, 0.5, 1.0, 1.0, 1.0)
    # area: 0.25 * 0.25 + 0.25 * 0.75 + 0.5 * 1.0
    assert apgr([0.9, 0.8, 0.1, 0.2], WEAK, STRONG) == pytest.approx(0.75)
    assert cpt([0.9, 0.8, 0.1, 0.2], WEAK, STRONG, 0.5) == pytest.approx(0.25)
    assert cpt([0.9, 0.8, 0.1, 0.2], WEAK, STRONG, 0.8) == pytest.approx(0.25 + 0.25 * 0.6)


def test_inverse_router_recovers_the_gap_last() -> None:
    scores = [0.1, 0.2, 0.9, 0.8]
    assert pgr_curve(scores, WEAK, STRONG)[1] == (0.0, 0.0, 0.0, 0.5, 1.0)
    assert apgr(scores, WEAK, STRONG) == pytest.approx(0.25)
    assert cpt(scores, WEAK, STRONG, 0.5) == pytest.approx(0.75)


def test_constant_scores_are_the_random_expectation() -> None:
    assert apgr([0.3] * 4, WEAK, STRONG) == pytest.approx(0.5)
    assert cpt([0.3] * 4, WEAK, STRONG, 0.8) == pytest.approx(0.8)


def test_ties_average_over_orders() -> None:
    # the two tied top prompts: one gains, one does not -> half a gain each, on average
    scores = [0.9, 0.9, 0.1, 0.1]
    weak, strong = [0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0]
    assert pgr_curve(scores, weak, strong)[1] == (0.0, 0.25, 0.5, 0.75, 1.0)


def test_negative_gains_and_strong_worse_prompts() -> None:
    weak, strong = [0.0, 1.0, 0.0], [1.0, 0.0, 1.0]  # gap = 1
    assert pgr_curve([3, 2, 1], weak, strong)[1] == (0.0, 1.0, 0.0, 1.0)


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError):
        apgr([], [], [])
    with pytest.raises(ValueError):
        apgr([1.0], [1.0, 0.0], [1.0])
    with pytest.raises(ValueError):
        apgr([1.0, 0.0], [1.0, 0.0], [0.0, 1.0])  # no gap on average
