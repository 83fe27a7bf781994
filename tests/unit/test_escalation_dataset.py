"""The escalation benchmark's dataset and its metric helpers (no model involved)."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.escalation import (
    DATASET,
    FEW_SHOT,
    auroc,
    build_dataset,
    escalation_rate,
    is_correct,
    load_dataset,
    perfect_rate,
    random_rate,
)


@pytest.fixture(scope="module")
def items() -> list[dict[str, object]]:
    return load_dataset(DATASET)


def test_dataset_loads_with_enough_items(items: list[dict[str, object]]) -> None:
    assert len(items) >= 440
    assert all(set(item) == {"id", "prompt", "answers", "kind"} for item in items)


def test_kinds_are_well_posed_recall_tasks(items: list[dict[str, object]]) -> None:
    counts = Counter(item["kind"] for item in items)
    # Tasks the base model never answered in the prefix's format are not in the set ...
    assert not {"letter", "sound", "baby", "number"} & set(counts)
    # ... word transformations are a small minority, recall of facts the bulk.
    assert counts["opposite"] + counts["plural"] <= 0.06 * len(items)
    recall = ("capital", "colour", "chemistry", "fact", "currency", "continent", "language")
    assert sum(counts[k] for k in (*recall, "person")) >= 0.7 * len(items)


def test_every_prefix_mixes_the_kinds(items: list[dict[str, object]]) -> None:
    kinds = {item["kind"] for item in items}
    assert {item["kind"] for item in items[:100]} == kinds
    first = Counter(item["kind"] for item in items[: len(items) // 2])
    total = Counter(item["kind"] for item in items)
    assert all(abs(first[k] - total[k] / 2) <= 1 for k in kinds)


def test_prompts_are_unique(items: list[dict[str, object]]) -> None:
    prompts = [item["prompt"] for item in items]
    assert len(set(prompts)) == len(prompts)


def test_ids_are_unique(items: list[dict[str, object]]) -> None:
    ids = [item["id"] for item in items]
    assert len(set(ids)) == len(ids)


def test_answers_are_non_empty_and_lowercase(items: list[dict[str, object]]) -> None:
    for item in items:
        answers = item["answers"]
        assert isinstance(answers, list) and answers, item["id"]
        assert all(isinstance(a, str) and a.strip() and a == a.lower() for a in answers)


def test_prompts_are_short_completions(items: list[dict[str, object]]) -> None:
    for item in items:
        prompt = item["prompt"]
        assert isinstance(prompt, str) and len(prompt) <= 100, item["id"]
        assert prompt.startswith("Q: ") and prompt.endswith("\nA:")


def test_few_shot_examples_are_not_test_items(items: list[dict[str, object]]) -> None:
    shots = {block.split("\nA:")[0] + "\nA:" for block in FEW_SHOT.strip().split("\n\n")}
    assert shots.isdisjoint(item["prompt"] for item in items)


def test_file_matches_the_generator(items: list[dict[str, object]]) -> None:
    assert items == build_dataset()


@pytest.mark.parametrize(
    ("answer", "accepted", "expected"),
    [
        (" Paris", ["paris"], True),
        (" The Nile.", ["nile"], True),
        (" Brasília", ["brasilia"], True),
        (" N'Djamena", ["ndjamena"], True),
        (" it is cold", ["cold"], True),
        (" 12", ["12", "twelve"], True),
        (" 120", ["12"], False),
        (" B", ["b"], True),
        (" Lyon", ["paris"], False),
        ("", ["paris"], False),
        (" mice\nQ: more", ["mice"], True),
    ],
)
def test_is_correct(answer: str, accepted: list[str], expected: bool) -> None:
    assert is_correct(answer, accepted) is expected


def test_auroc_perfect_inverse_and_ties() -> None:
    wrong = [True, True, False, False, False]
    assert auroc([0.9, 0.8, 0.3, 0.2, 0.1], wrong) == 1.0
    assert auroc([0.1, 0.2, 0.7, 0.8, 0.9], wrong) == 0.0
    assert auroc([0.5] * 5, wrong) == 0.5
    assert auroc([0.9, 0.5, 0.5, 0.1, 0.1], wrong) == pytest.approx((3 + 2.5) / 6)


def test_auroc_needs_both_classes() -> None:
    with pytest.raises(ValueError):
        auroc([0.1, 0.2], [True, True])


def test_perfect_scorer_escalates_just_the_errors_it_needs() -> None:
    correct = [True] * 6 + [False] * 4  # 60% right
    confidence = [0.9] * 6 + [0.1] * 4
    assert escalation_rate(confidence, correct, 1.0) == pytest.approx(0.4)
    assert escalation_rate(confidence, correct, 0.9) == pytest.approx(perfect_rate(0.6, 0.9))
    assert perfect_rate(0.6, 0.9) == pytest.approx(0.3)


def test_constant_scorer_escalates_like_random() -> None:
    correct = [True] * 6 + [False] * 4
    rate = escalation_rate([0.5] * 10, correct, 0.9)
    assert rate == pytest.approx(random_rate(0.6, 0.9)) == pytest.approx(0.75)


def test_inverse_scorer_escalates_right_answers_first() -> None:
    correct = [True] * 6 + [False] * 4
    confidence = [0.1] * 6 + [0.9] * 4
    assert escalation_rate(confidence, correct, 1.0) == 1.0


def test_no_escalation_needed_when_already_accurate() -> None:
    assert escalation_rate([0.2, 0.4], [True, True], 0.95) == 0.0
    assert random_rate(0.97, 0.95) == perfect_rate(0.97, 0.95) == 0.0
