from hybridchain.core.complexity.features import FEATURE_NAMES, features
from hybridchain.core.complexity.train import CHOICE_ONLY

NUMERIC = "Evaluate $\\log_3 81$.\nA. 4\nB. 0.25\nC. -1\nD. 27 m/s\nAnswer:"
VERBAL = (
    "General relativity predicts that\nA. light leaving the Sun is slowed by gravity.\n"
    "B. light passing the Sun is deflected.\nC. a clock on the Sun runs faster.\n"
    "D. All of these.\nAnswer:"
)


def _named(text: str) -> dict[str, float]:
    return dict(zip(FEATURE_NAMES, features([(text, 1.0)]), strict=True))


def test_answer_choice_features() -> None:
    numeric, verbal = _named(NUMERIC), _named(VERBAL)
    assert numeric["numeric_choices"] == 1.0
    assert verbal["numeric_choices"] == 0.0
    assert verbal["log_choice_words"] > numeric["log_choice_words"]
    assert verbal["all_of"] > 0.0 == numeric["all_of"]


def test_choice_features_are_zero_without_choices() -> None:
    plain = _named("Explain why the sky is blue.")
    assert plain["numeric_choices"] == plain["log_choice_words"] == 0.0
    assert CHOICE_ONLY <= set(FEATURE_NAMES)


def test_shipped_open_request_weights_ignore_choice_only_features() -> None:
    from hybridchain.core.complexity import FeatureScorer

    scorer = FeatureScorer.default()
    for name in CHOICE_ONLY:
        assert scorer.weights[FEATURE_NAMES.index(name)] == 0.0
