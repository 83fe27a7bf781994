from enum import StrEnum

import pytest

from hybridchain.planning import (
    DECISION_MATRIX,
    BudgetModel,
    DataSensitivity,
    Deployment,
    FactorName,
    LatencyNeed,
    ModelRequirement,
    TeamExpertise,
    Volume,
    WorkloadProfile,
    advise,
)

ALL_LOCAL = WorkloadProfile(
    data_sensitivity=DataSensitivity.REGULATED,
    volume=Volume.HIGH,
    latency=LatencyNeed.STRICT,
    budget=BudgetModel.CAPEX,
    team=TeamExpertise.MLOPS,
    model_requirements=ModelRequirement.STANDARD,
    deployment=Deployment.ON_PREMISE,
)
ALL_CLOUD = WorkloadProfile(
    data_sensitivity=DataSensitivity.PUBLIC,
    volume=Volume.LOW,
    latency=LatencyNeed.VARIABLE,
    budget=BudgetModel.OPEX,
    team=TeamExpertise.LIMITED,
    model_requirements=ModelRequirement.FRONTIER,
    deployment=Deployment.CLOUD_NATIVE,
)
ENUMS: dict[FactorName, type[StrEnum]] = {
    "data_sensitivity": DataSensitivity,
    "volume": Volume,
    "latency": LatencyNeed,
    "budget": BudgetModel,
    "team": TeamExpertise,
    "model_requirements": ModelRequirement,
    "deployment": Deployment,
}


def test_matrix_covers_every_factor_value() -> None:
    assert list(DECISION_MATRIX) == list(ENUMS) == list(WorkloadProfile.model_fields)
    for factor, enum in ENUMS.items():
        assert set(DECISION_MATRIX[factor]) == set(enum)


def test_every_left_column_is_local_and_right_column_cloud() -> None:
    assert advise(ALL_LOCAL).choice == "local"
    assert advise(ALL_LOCAL).scores == {"local": 7.0, "cloud": 0.0}
    assert advise(ALL_CLOUD).choice == "cloud"
    assert advise(ALL_CLOUD).scores == {"local": 0.0, "cloud": 7.0}


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        # the seed's matrix, one row at a time: "Favors Local" | "Favors Cloud API"
        (WorkloadProfile(data_sensitivity=DataSensitivity.REGULATED), "local"),
        (WorkloadProfile(data_sensitivity=DataSensitivity.PUBLIC), "cloud"),
        (WorkloadProfile(volume=Volume.from_queries_per_day(50_000)), "local"),
        (WorkloadProfile(volume=Volume.from_queries_per_day(500)), "cloud"),
        (WorkloadProfile(latency=LatencyNeed.STRICT), "local"),
        (WorkloadProfile(latency=LatencyNeed.VARIABLE), "cloud"),
        (WorkloadProfile(budget=BudgetModel.CAPEX), "local"),
        (WorkloadProfile(budget=BudgetModel.OPEX), "cloud"),
        (WorkloadProfile(team=TeamExpertise.MLOPS), "local"),
        (WorkloadProfile(team=TeamExpertise.LIMITED), "cloud"),
        (WorkloadProfile(model_requirements=ModelRequirement.STANDARD), "local"),
        (WorkloadProfile(model_requirements=ModelRequirement.FRONTIER), "cloud"),
        (WorkloadProfile(deployment=Deployment.ON_PREMISE), "local"),
        (WorkloadProfile(deployment=Deployment.EDGE), "local"),
        (WorkloadProfile(deployment=Deployment.CLOUD_NATIVE), "cloud"),
    ],
)
def test_single_matrix_rows(profile: WorkloadProfile, expected: str) -> None:
    assert advise(profile).choice == expected


def test_seed_router_rules() -> None:
    # "Confidential data = always local"; "complex tasks with non-sensitive data = cloud"
    confidential = WorkloadProfile(
        data_sensitivity=DataSensitivity.CONFIDENTIAL, model_requirements=ModelRequirement.FRONTIER
    )
    assert advise(confidential).choice != "cloud"
    public = WorkloadProfile(
        data_sensitivity=DataSensitivity.PUBLIC, model_requirements=ModelRequirement.FRONTIER
    )
    assert advise(public).choice == "cloud"


def test_mixed_factors_give_hybrid_naming_them() -> None:
    profile = WorkloadProfile(
        volume=Volume.HIGH,
        budget=BudgetModel.CAPEX,
        model_requirements=ModelRequirement.FRONTIER,
        team=TeamExpertise.LIMITED,
    )
    rec = advise(profile)
    assert rec.choice == "hybrid"
    assert rec.scores == {"local": 2.0, "cloud": 2.0}
    assert rec.reasons[0] == (
        "factors pull both ways: local by volume, budget; cloud by team, model_requirements"
    )
    assert len(rec.votes) == 4


def test_sensitive_data_rules_out_cloud_only() -> None:
    profile = ALL_CLOUD.model_copy(update={"data_sensitivity": DataSensitivity.REGULATED})
    rec = advise(profile)
    assert rec.scores == {"local": 1.0, "cloud": 6.0}
    assert rec.choice == "hybrid"
    assert rec.reasons[0].startswith("data_sensitivity=regulated rules out cloud")
    assert any("route the protected data locally" in r for r in rec.reasons)


def test_air_gapped_forces_local() -> None:
    profile = ALL_CLOUD.model_copy(update={"deployment": Deployment.AIR_GAPPED})
    rec = advise(profile)
    assert rec.choice == "local"
    assert rec.reasons[0].startswith("deployment=air-gapped rules out cloud and hybrid")


def test_decisive_share_and_empty_profile() -> None:
    three_to_one = ALL_LOCAL.model_copy(
        update={
            "data_sensitivity": None,
            "latency": None,
            "deployment": None,
            "team": TeamExpertise.LIMITED,
        }
    )
    assert advise(three_to_one).choice == "local"
    assert advise(three_to_one, decisive_share=0.8).choice == "hybrid"
    empty = advise(WorkloadProfile())
    assert empty.choice == "hybrid"
    assert empty.reasons == ["no factors given: start hybrid and measure"]


def test_volume_bands() -> None:
    assert Volume.from_queries_per_day(999) is Volume.LOW
    assert Volume.from_queries_per_day(1_000) is Volume.MEDIUM
    assert Volume.from_queries_per_day(10_000) is Volume.MEDIUM
    assert Volume.from_queries_per_day(10_001) is Volume.HIGH
    assert advise(WorkloadProfile(volume=Volume.MEDIUM)).scores == {"local": 0.0, "cloud": 0.0}
