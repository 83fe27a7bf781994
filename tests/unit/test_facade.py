"""ModelRouter: the seed's routing table, as data, on top of the components."""

from __future__ import annotations

import itertools

import pytest

from hybridchain import Sensitivity, SensitivityPolicy
from hybridchain.core.routing_table import SEED_TABLE, RoutingRule, RoutingTable
from hybridchain.langchain.facade import ModelRouter
from hybridchain.testing import EchoChatModel


def seed_route(data_sensitivity: str, complexity: str) -> str:
    """The seed article's ModelRouter.route, verbatim in logic."""
    if data_sensitivity == "confidential":
        return "local"
    if complexity == "complex" and data_sensitivity == "public":
        return "cloud"
    return "local"


def make(**kw: object) -> tuple[ModelRouter, EchoChatModel, EchoChatModel]:
    local, cloud = EchoChatModel(label="local"), EchoChatModel(label="cloud")
    return ModelRouter(local=local, cloud=cloud, **kw), local, cloud  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sensitivity", "complexity"),
    list(
        itertools.product(["public", "internal", "confidential"], ["simple", "moderate", "complex"])
    ),
)
def test_default_table_is_the_seeds(sensitivity: str, complexity: str) -> None:
    router, _, _ = make()
    assert router.route("task", sensitivity, complexity) == seed_route(sensitivity, complexity)  # type: ignore[arg-type]


def test_restricted_is_local_too() -> None:
    router, _, _ = make()
    assert router.route("t", "restricted", "complex") == "local"


def test_table_is_data_the_user_changes() -> None:
    table = RoutingTable(
        rules=(
            *SEED_TABLE.rules,
            RoutingRule(max_sensitivity="internal", complexity="moderate", target="cloud"),
        ),
    )
    router, _, _ = make(table=table)
    assert router.route("t", "internal", "moderate") == "cloud"


def test_policy_overrides_a_table_that_would_leak() -> None:
    leaky = RoutingTable(default="cloud")
    router, _, _ = make(table=leaky)
    assert router.route("t", "confidential", "simple") == "local"
    assert router.route("t", "public", "simple") == "cloud"
    strict, _, _ = make(
        table=leaky,
        policy=SensitivityPolicy(target_levels={"local": "restricted", "cloud": "public"}),
    )
    assert strict.route("t", "internal", "simple") == "local"


def test_query_detects_what_is_not_given() -> None:
    router, local, cloud = make()
    assert router.query("My SSN is 536-22-8510; help me file taxes").content.startswith("local")
    hard = (
        "Design a distributed rate limiter with exactly-once semantics across regions, "
        "prove its correctness under network partitions, and derive its worst-case latency."
    )
    level, tier, score = router.detect(hard)
    assert level is Sensitivity.PUBLIC
    expected = "cloud" if tier == "complex" else "local"
    assert router.query(hard).content.startswith(expected)
    assert router.query("hi!", complexity="complex").content.startswith("cloud")


def test_given_sensitivity_cannot_be_lowered_by_the_caller() -> None:
    router, _, cloud = make()
    router.query(
        "mail ann.lee@example.org the contract", data_sensitivity="public", complexity="complex"
    )
    assert cloud.requests == []


def test_bad_level_names_the_choices() -> None:
    router, _, _ = make()
    with pytest.raises(ValueError, match="confidential"):
        router.route("t", "secret", "simple")  # type: ignore[arg-type]
