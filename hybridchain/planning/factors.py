"""The factors of the local-vs-cloud decision, each a small enum."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "BudgetModel",
    "DataSensitivity",
    "Deployment",
    "LatencyNeed",
    "ModelRequirement",
    "TeamExpertise",
    "Volume",
]


class DataSensitivity(StrEnum):
    """How sensitive the data sent to the model is.

    >>> DataSensitivity("regulated")
    <DataSensitivity.REGULATED: 'regulated'>
    """

    PUBLIC = "public"
    """Public or non-sensitive."""
    INTERNAL = "internal"
    """Internal to the organisation, not regulated."""
    CONFIDENTIAL = "confidential"
    """Personal data, secrets, trade secrets."""
    REGULATED = "regulated"
    """Under HIPAA, GDPR special categories, PCI DSS and the like."""


class Volume(StrEnum):
    """Requests a day, in the seed's three bands.

    >>> Volume.from_queries_per_day(50_000)
    <Volume.HIGH: 'high'>
    """

    LOW = "low"
    """Under 1,000 a day."""
    MEDIUM = "medium"
    """1,000 to 10,000 a day."""
    HIGH = "high"
    """Over 10,000 a day."""

    @classmethod
    def from_queries_per_day(cls, queries: float) -> Volume:
        """Return the band ``queries`` a day falls in."""
        if queries < 1_000:
            return cls.LOW
        return cls.HIGH if queries > 10_000 else cls.MEDIUM


class LatencyNeed(StrEnum):
    """How predictable response time must be.

    >>> LatencyNeed("strict").name
    'STRICT'
    """

    STRICT = "strict"
    """A consistent latency under 500 ms."""
    VARIABLE = "variable"
    """Variable latency is fine."""


class BudgetModel(StrEnum):
    """How the project is funded.

    >>> BudgetModel.CAPEX.value
    'capex'
    """

    CAPEX = "capex"
    """Capital expenditure is available for hardware."""
    OPEX = "opex"
    """Operating expense is preferred (pay as you go)."""


class TeamExpertise(StrEnum):
    """What the team can operate.

    >>> TeamExpertise("limited").name
    'LIMITED'
    """

    MLOPS = "mlops"
    """Capable of ML operations: serving, monitoring, upgrading models."""
    LIMITED = "limited"
    """Limited ML knowledge."""


class ModelRequirement(StrEnum):
    """How capable the model must be.

    >>> ModelRequirement("frontier").name
    'FRONTIER'
    """

    STANDARD = "standard"
    """Standard tasks that good open models handle."""
    FRONTIER = "frontier"
    """Cutting-edge capability is needed."""


class Deployment(StrEnum):
    """Where the application runs.

    >>> Deployment("air-gapped").name
    'AIR_GAPPED'
    """

    CLOUD_NATIVE = "cloud-native"
    """In a public cloud."""
    ON_PREMISE = "on-premise"
    """In the organisation's own data centre."""
    EDGE = "edge"
    """On devices or edge servers."""
    AIR_GAPPED = "air-gapped"
    """On a network with no route to the internet."""
