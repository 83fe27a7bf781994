"""The local-vs-cloud decision matrix, as data, and an advisor that reads it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hybridchain.planning.factors import (
    BudgetModel,
    DataSensitivity,
    Deployment,
    LatencyNeed,
    ModelRequirement,
    TeamExpertise,
    Volume,
)

__all__ = [
    "DECISION_MATRIX",
    "Choice",
    "FactorName",
    "Lean",
    "MatrixRule",
    "Recommendation",
    "Vote",
    "WorkloadProfile",
    "advise",
]

Lean = Literal["local", "cloud", "neutral"]
"""The side one factor value favours."""
Choice = Literal["local", "cloud", "hybrid"]
"""What the advisor recommends."""
FactorName = Literal[
    "data_sensitivity", "volume", "latency", "budget", "team", "model_requirements", "deployment"
]
"""The factors of :class:`WorkloadProfile`, in the seed's order."""


@dataclass(frozen=True, slots=True)
class MatrixRule:
    """One cell of the decision matrix.

    >>> MatrixRule("local", "high volume").weight
    1.0
    """

    lean: Lean
    """The side this value favours."""
    why: str
    """The reason, as the seed gives it."""
    weight: float = 1.0
    """How much the vote counts."""
    rules_out: frozenset[Choice] = frozenset()
    """Choices this value makes impossible (hard constraints, not votes)."""


_NOT_CLOUD: frozenset[Choice] = frozenset({"cloud"})
_ONLY_LOCAL: frozenset[Choice] = frozenset({"cloud", "hybrid"})

# The seed's matrix ("Favors Local" / "Favors Cloud API") and its key takeaways, row by row.
# Data that must not leave the network and air-gapped sites are constraints, not just votes:
# whatever else is true, they rule out sending that data to a cloud API.
DECISION_MATRIX: Mapping[FactorName, Mapping[StrEnum, MatrixRule]] = MappingProxyType(
    {
        "data_sensitivity": {
            DataSensitivity.PUBLIC: MatrixRule(
                "cloud", "public, non-sensitive data may go to an API"
            ),
            DataSensitivity.INTERNAL: MatrixRule(
                "neutral", "internal data: either, under a policy"
            ),
            DataSensitivity.CONFIDENTIAL: MatrixRule(
                "local", "confidential data must not leave the network", rules_out=_NOT_CLOUD
            ),
            DataSensitivity.REGULATED: MatrixRule(
                "local", "regulated data must not leave the network", rules_out=_NOT_CLOUD
            ),
        },
        "volume": {
            Volume.LOW: MatrixRule("cloud", "low volume (<1K/day): pay-per-use is cheaper"),
            Volume.MEDIUM: MatrixRule("neutral", "medium volume (1K-10K/day): compare the TCO"),
            Volume.HIGH: MatrixRule("local", "high volume (>10K/day): local is cost effective"),
        },
        "latency": {
            LatencyNeed.STRICT: MatrixRule(
                "local", "a consistent <500 ms SLA is achievable locally, harder over an API"
            ),
            LatencyNeed.VARIABLE: MatrixRule("cloud", "variable latency is acceptable"),
        },
        "budget": {
            BudgetModel.CAPEX: MatrixRule("local", "capital budget is available for hardware"),
            BudgetModel.OPEX: MatrixRule("cloud", "operating expense is preferred"),
        },
        "team": {
            TeamExpertise.MLOPS: MatrixRule("local", "the team can run ML operations"),
            TeamExpertise.LIMITED: MatrixRule("cloud", "limited ML knowledge: an API is easier"),
        },
        "model_requirements": {
            ModelRequirement.STANDARD: MatrixRule("local", "standard tasks: open models suffice"),
            ModelRequirement.FRONTIER: MatrixRule("cloud", "cutting-edge capability: APIs lead"),
        },
        "deployment": {
            Deployment.CLOUD_NATIVE: MatrixRule("cloud", "the application is cloud-native"),
            Deployment.ON_PREMISE: MatrixRule("local", "the application runs on premise"),
            Deployment.EDGE: MatrixRule("local", "the application runs at the edge"),
            Deployment.AIR_GAPPED: MatrixRule(
                "local", "air-gapped: no cloud API is reachable", rules_out=_ONLY_LOCAL
            ),
        },
    }
)
"""Factor → value → which side it favours, and why."""


class WorkloadProfile(BaseModel):
    """What is known about a workload; unknown factors are left ``None`` and do not vote.

    >>> WorkloadProfile(volume=Volume.HIGH).known()
    {'volume': <Volume.HIGH: 'high'>}
    """

    model_config = ConfigDict(frozen=True)

    data_sensitivity: DataSensitivity | None = None
    """Sensitivity of the data."""
    volume: Volume | None = None
    """Requests a day."""
    latency: LatencyNeed | None = None
    """Latency requirement."""
    budget: BudgetModel | None = None
    """CapEx or OpEx."""
    team: TeamExpertise | None = None
    """Team expertise."""
    model_requirements: ModelRequirement | None = None
    """Good-enough or frontier model."""
    deployment: Deployment | None = None
    """Where the application runs."""

    def known(self) -> dict[FactorName, StrEnum]:
        """Return the factors that are set, in the matrix's order."""
        values: dict[FactorName, StrEnum | None] = {
            "data_sensitivity": self.data_sensitivity,
            "volume": self.volume,
            "latency": self.latency,
            "budget": self.budget,
            "team": self.team,
            "model_requirements": self.model_requirements,
            "deployment": self.deployment,
        }
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True, slots=True)
class Vote:
    """How one factor of a profile voted.

    >>> Vote("volume", Volume.HIGH, MatrixRule("local", "high volume")).describe()
    'volume=high → local: high volume'
    """

    factor: FactorName
    """The factor."""
    value: StrEnum
    """Its value in the profile."""
    rule: MatrixRule
    """The matrix cell it hit."""

    def describe(self) -> str:
        """Return ``factor=value → side: why``."""
        return f"{self.factor}={self.value} → {self.rule.lean}: {self.rule.why}"


class Recommendation(BaseModel):
    """The advisor's answer.

    >>> advise(WorkloadProfile(deployment=Deployment.AIR_GAPPED)).choice
    'local'
    """

    model_config = ConfigDict(frozen=True)

    choice: Choice
    """Local, cloud, or both behind a router."""
    reasons: list[str]
    """Why, the deciding reason first, naming the factors."""
    scores: dict[Literal["local", "cloud"], float]
    """Summed weights of the votes for each side."""
    votes: tuple[Vote, ...] = Field(default=())
    """Every factor's vote, in the matrix's order."""


def _preferred(local: float, cloud: float, decisive_share: float) -> Choice:
    total = local + cloud
    if not total:
        return "hybrid"
    share = local / total
    if share >= decisive_share:
        return "local"
    return "cloud" if share <= 1 - decisive_share else "hybrid"


def _names(votes: list[Vote], lean: Lean) -> str:
    return ", ".join(v.factor for v in votes if v.rule.lean == lean) or "nothing"


def advise(profile: WorkloadProfile, *, decisive_share: float = 0.75) -> Recommendation:
    """Recommend local, cloud or hybrid for ``profile`` from :data:`DECISION_MATRIX`.

    Each known factor votes for the side its matrix cell favours. A side that gathers at least
    ``decisive_share`` of the weight wins; otherwise the factors pull both ways and the answer is
    hybrid. Constraints override votes: data that must stay in the network rules out cloud only
    (hybrid keeps it local), and an air-gapped site rules out any cloud call.

    >>> profile = WorkloadProfile(volume=Volume.HIGH, model_requirements=ModelRequirement.FRONTIER)
    >>> rec = advise(profile)
    >>> rec.choice, rec.reasons[0]
    ('hybrid', 'factors pull both ways: local by volume; cloud by model_requirements')
    """
    votes = [
        Vote(name, value, DECISION_MATRIX[name][value]) for name, value in profile.known().items()
    ]
    scores: dict[Literal["local", "cloud"], float] = {
        side: sum(v.rule.weight for v in votes if v.rule.lean == side)
        for side in ("local", "cloud")
    }
    preferred = _preferred(scores["local"], scores["cloud"], decisive_share)
    constraints = [v for v in votes if v.rule.rules_out]
    ruled_out: set[Choice] = set().union(*(v.rule.rules_out for v in constraints))
    choice = preferred
    if choice in ruled_out:
        choice = "hybrid" if "hybrid" not in ruled_out else "local"
    reasons = [
        f"{v.factor}={v.value} rules out {' and '.join(sorted(v.rule.rules_out))}: {v.rule.why}"
        for v in constraints
        if preferred in v.rule.rules_out
    ]
    if not votes:
        reasons.append("no factors given: start hybrid and measure")
    elif preferred == "hybrid":
        reasons.append(
            f"factors pull both ways: local by {_names(votes, 'local')}; "
            f"cloud by {_names(votes, 'cloud')}"
        )
    else:
        side: Literal["local", "cloud"] = preferred
        reasons.append(
            f"{side} has {scores[side]:g} of {sum(scores.values()):g} votes: {_names(votes, side)}"
        )
    if choice == "hybrid" and preferred == "cloud":
        reasons.append("route the protected data locally and the rest to the cloud")
    reasons.extend(v.describe() for v in votes)
    return Recommendation(choice=choice, reasons=reasons, scores=scores, votes=tuple(votes))
