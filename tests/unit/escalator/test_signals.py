"""Confidence signals on hand-made data: log-probabilities, wording, agreement, weights."""

from __future__ import annotations

import math

import pytest

from hybridchain.core.confidence import (
    Assessment,
    ConfidenceWeights,
    SignalConfig,
    TokenLogprob,
    agreement,
    assess_answer,
    compute_signals,
    echoes_question,
    first_token_margin,
    geometric_mean_prob,
    hedging_score,
    is_empty,
    is_invalid,
    is_refusal,
    mean_logprob,
    min_token_prob,
    p_true,
    parse_logprobs,
)


def tok(token: str, p: float, *alts: tuple[str, float]) -> dict[str, object]:
    return {
        "token": token,
        "logprob": math.log(p),
        "top_logprobs": [{"token": t, "logprob": math.log(q)} for t, q in alts],
    }


RAW = {
    "content": [
        tok("Paris", 0.9, ("Paris", 0.9), ("Lyon", 0.05)),
        tok(" is", 0.5),
        tok(".", 0.8),
    ]
}


def test_parse_openai_and_bare_list_shapes() -> None:
    assert [t.token for t in parse_logprobs(RAW)] == ["Paris", " is", "."]
    assert parse_logprobs(RAW["content"]) == parse_logprobs(RAW)
    assert parse_logprobs(None) == parse_logprobs({"content": None}) == []
    assert parse_logprobs({"content": [{"token": "x"}, {"token": 1, "logprob": 0}]}) == []


def test_token_probability_signals() -> None:
    tokens = parse_logprobs(RAW)
    assert min_token_prob(tokens) == pytest.approx(0.5)
    assert mean_logprob(tokens) == pytest.approx(
        (math.log(0.9) + math.log(0.5) + math.log(0.8)) / 3
    )
    assert geometric_mean_prob(tokens) == pytest.approx((0.9 * 0.5 * 0.8) ** (1 / 3))
    assert first_token_margin(tokens) == pytest.approx(0.85)
    assert min_token_prob([]) is None and geometric_mean_prob([]) is None


def test_first_token_margin_skips_blank_tokens_and_bounds_a_single_alternative() -> None:
    blank = TokenLogprob("\n", math.log(0.99), (("\n", math.log(0.99)),))
    single = TokenLogprob("A", math.log(0.7), (("A", math.log(0.7)),))
    assert first_token_margin([blank, single]) == pytest.approx(0.4)
    assert first_token_margin([TokenLogprob("A", -0.1)]) is None


def test_p_true_sums_spellings_and_falls_back_to_text() -> None:
    tokens = parse_logprobs(
        [tok("Yes", 0.5, ("Yes", 0.5), (" yes", 0.1), ("No", 0.2), ("Maybe", 0.1))]
    )
    assert p_true(tokens) == pytest.approx(0.6 / 0.8)
    no = parse_logprobs([tok(" No", 0.9, (" No", 0.9), ("Yes", 0.1))])
    assert p_true(no) == pytest.approx(0.1)
    assert p_true([], text="Yes.") == 1.0
    assert p_true([], text="Perhaps") is None


def test_wording_signals() -> None:
    assert is_empty("") and is_empty(" \n ") and not is_empty("0")
    assert is_refusal("I can't help with that.")
    assert is_refusal("As an AI language model, I have no opinions.")
    assert not is_refusal("Paris is the capital. " + "x" * 300 + " I cannot say more.")
    assert hedging_score("I think it is Paris") == 0.5
    assert hedging_score("Maybe Paris, possibly Lyon, I'm not sure") == 1.0
    assert hedging_score("Paris") == 0.0
    assert hedging_score("Mayberry is a town") == 0.0  # whole words only


@pytest.mark.parametrize(
    ("answer", "question"),
    [
        ("Iceland", "What is the capital of Iceland?"),
        (" The United States.", "On which continent is the United States?"),
        ("38", "What is 38+31?"),
        ("dog", "What is the plural of dog?"),
        ("Saturday", "What day comes after Saturday?"),
        ("FRANCE", "what is the capital of france?"),
        ("Zürich", "Wo liegt Zürich?"),
    ],
)
def test_an_answer_that_only_repeats_the_question_echoes(answer: str, question: str) -> None:
    assert echoes_question(answer, question)
    assert compute_signals(answer, question=question)["echo"] == 1.0


@pytest.mark.parametrize(
    ("answer", "question"),
    [
        ("Reykjavik", "What is the capital of Iceland?"),
        ("The capital of Iceland is Reykjavik.", "What is the capital of Iceland?"),
        ("69", "What is 38+31?"),
        ("Tea", "Tea or coffee?"),
        ("B", "Which is largest? A) Mars B) Jupiter C) Venus"),
        ("It is.", "What is it?"),  # function words only: nothing repeated
        ("", "What is the capital of Iceland?"),
        ("Ann", "Summarize: " + "Ann met Bob at the station. " * 10 + "Who met Bob?"),
        ("Monday, Tuesday", "Monday, Tuesday, Wednesday,"),  # not a question
        ("Iceland", "What is the capital of Iceland"),  # no question mark: not checked
        ("a b c", "Can you sort these letters: c b a?"),
        ("HELLO", "How do I write hello in uppercase?"),
    ],
)
def test_answers_that_add_something_or_questions_that_invite_repeats_do_not(
    answer: str, question: str
) -> None:
    assert not echoes_question(answer, question)


def test_echo_lowers_confidence_only_when_the_question_is_known() -> None:
    confident = {"content": [tok("Iceland", 0.7, ("Iceland", 0.7), ("Reykjavik", 0.05))]}
    question = "What is the capital of Iceland?"
    alone = assess_answer("Iceland", confident)
    echoed = assess_answer("Iceland", confident, question=question)
    assert "echo" not in alone.signals and alone.confidence > 0.9
    assert echoed.signals["echo"] == 1.0 and echoed.confidence < 0.5
    assert "answer only repeats the question" in echoed.reasons
    off = SignalConfig(echo_max_words=0)
    assert "echo" not in compute_signals("Iceland", question=question, config=off)


def test_validator_rejects_and_raising_counts_as_rejecting() -> None:
    assert is_invalid("abc", lambda t: t.isdigit())
    assert not is_invalid("123", lambda t: t.isdigit())

    def boom(_: str) -> bool:
        raise ValueError("bad")

    assert is_invalid("x", boom)


def test_self_consistency_agreement() -> None:
    assert agreement("Paris", ["paris.", "The Paris", "Paris!"], "exact") == 1.0
    assert agreement("Paris", ["Lyon", "Paris"], "exact") == 0.5
    assert agreement("Paris", []) is None
    assert 0 < agreement("the capital is Paris", ["Paris"]) < 1  # type: ignore[operator]


def test_compute_signals_only_reports_what_is_available() -> None:
    plain = compute_signals("Paris")
    assert set(plain) == {"empty", "refusal", "hedging"}
    full = compute_signals("Paris", RAW, samples=["Paris"], p_true=0.9, validator=str.isalpha)
    assert {
        "min_prob",
        "mean_prob",
        "mean_logprob",
        "first_margin",
        "answer_prob",
        "consistency",
        "p_true",
        "invalid",
    } <= set(full)
    assert full["consistency"] == 1.0 and full["invalid"] == 0.0


def test_combination_orders_answers_sensibly() -> None:
    confident = {"content": [tok("Paris", 0.99, ("Paris", 0.99), ("Lyon", 0.005))]}
    unsure = {"content": [tok("Lyon", 0.2, ("Lyon", 0.2), ("Paris", 0.18))]}
    assert assess_answer("Paris", confident).confidence > 0.95
    assert assess_answer("Lyon", unsure).confidence < 0.2
    assert assess_answer("Paris").confidence == pytest.approx(1 / (1 + math.exp(-0.6)), abs=1e-6)
    assert assess_answer("I think maybe Paris").confidence < 0.5
    assert assess_answer("I'm sorry, but I can't answer").confidence < 0.5
    assert assess_answer("").confidence < 0.01
    assert assess_answer("abc", validator=str.isdigit).confidence < 0.1
    assert assess_answer("Paris", samples=["Lyon", "Rome"]).confidence < 0.1
    assert assess_answer("Paris", p_true=0.95).confidence > 0.9


def test_weights_renormalize_missing_signals_and_serialize() -> None:
    w = ConfidenceWeights()
    one = w.logit({"mean_prob": 0.9})
    assert one == pytest.approx(0.6 + sum(w.evidence.values()) * (0.9 - 0.6))
    flat = ConfidenceWeights(renormalize=False)
    assert flat.logit({"mean_prob": 0.9}) == pytest.approx(0.6 + 4.0 * 0.3)
    assert ConfidenceWeights.model_validate_json(w.model_dump_json()) == w
    off = SignalConfig(weights=ConfidenceWeights(penalties={"hedging": 0.0}))
    assert assess_answer("maybe", config=off).confidence == pytest.approx(
        assess_answer("x").confidence
    )


def test_assessment_carries_no_answer_text() -> None:
    a = assess_answer("My SSN is 536-22-8510, I think", RAW)
    assert isinstance(a, Assessment)
    assert "536-22-8510" not in repr(a.to_dict())
