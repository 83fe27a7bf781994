"""Total cost of ownership over several years: a cloud API against a local cluster."""

from __future__ import annotations

import math
from itertools import accumulate

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "SCENARIO_A",
    "CloudCost",
    "LocalCost",
    "TcoReport",
    "TcoScenario",
    "TcoYear",
    "break_even_daily_volume",
    "compare_tco",
]

_MILLION = 1_000_000
_HOURS_PER_YEAR = 24 * 365


class CloudCost(BaseModel):
    """What a cloud API costs: a yearly bill, or per-token prices times a daily volume.

    >>> CloudCost(queries_per_day=1000, input_tokens_per_query=500, input_price_per_million=2.0,
    ...           output_tokens_per_query=250, output_price_per_million=8.0).cost_per_query
    0.003
    """

    model_config = ConfigDict(frozen=True)

    label: str = "Cloud API"
    """Name for tables."""
    queries_per_day: float = Field(ge=0)
    """Requests a day in year 1."""
    yearly_cost: float | None = Field(default=None, ge=0)
    """The year-1 bill, when known; replaces the token prices below."""
    input_tokens_per_query: float = Field(default=0, ge=0)
    """Prompt tokens per request."""
    output_tokens_per_query: float = Field(default=0, ge=0)
    """Completion tokens per request."""
    input_price_per_million: float = Field(default=0, ge=0)
    """USD per million prompt tokens."""
    output_price_per_million: float = Field(default=0, ge=0)
    """USD per million completion tokens."""
    annual_growth: float = Field(default=0.0, gt=-1)
    """Yearly growth of the volume (0.2 = +20 % a year)."""
    days_per_year: float = Field(default=365, gt=0)
    """Days a year the service runs."""

    @model_validator(mode="after")
    def _volume_for_bill(self) -> CloudCost:
        if self.yearly_cost is not None and self.queries_per_day == 0 and self.yearly_cost > 0:
            raise ValueError("a yearly_cost needs queries_per_day > 0 to price one query")
        return self

    @property
    def cost_per_query(self) -> float:
        """USD one request costs."""
        if self.yearly_cost is not None:
            volume = self.queries_per_day * self.days_per_year
            return self.yearly_cost / volume if volume else 0.0
        return (
            self.input_tokens_per_query * self.input_price_per_million
            + self.output_tokens_per_query * self.output_price_per_million
        ) / _MILLION

    def year_cost(self, year: int) -> float:
        """Return the bill of ``year`` (1-based), volume growth included."""
        if self.yearly_cost is not None:
            base = self.yearly_cost
        else:
            base = self.cost_per_query * self.queries_per_day * self.days_per_year
        return base * (1 + self.annual_growth) ** (year - 1)


class LocalCost(BaseModel):
    """What a local cluster costs: hardware up front, then operations, upgrades and power.

    >>> local = LocalCost(hardware_cost=60_000, operations_per_year=12_000, upgrades={3: 30_000})
    >>> local.year_cost(1), local.year_cost(3)
    (72000.0, 42000.0)
    """

    model_config = ConfigDict(frozen=True)

    label: str = "Local LLM"
    """Name for tables."""
    hardware_cost: float = Field(ge=0)
    """Purchase price, paid in year 1."""
    operations_per_year: float = Field(default=0, ge=0)
    """Staff time, hosting, support, every year."""
    upgrades: dict[int, float] = Field(default_factory=dict)
    """Extra hardware bought in a given year: ``{year: cost}``."""
    power_watts: float = Field(default=0, ge=0)
    """Average draw of the cluster, watts."""
    electricity_per_kwh: float = Field(default=0, ge=0)
    """USD per kWh."""

    @model_validator(mode="after")
    def _upgrade_years(self) -> LocalCost:
        if any(year < 1 or cost < 0 for year, cost in self.upgrades.items()):
            raise ValueError("upgrades are {year >= 1: cost >= 0}")
        return self

    @property
    def power_per_year(self) -> float:
        """USD of electricity a year."""
        return self.power_watts / 1000 * _HOURS_PER_YEAR * self.electricity_per_kwh

    def year_cost(self, year: int) -> float:
        """Return the spending of ``year`` (1-based)."""
        hardware = self.hardware_cost if year == 1 else 0.0
        return (
            hardware
            + self.operations_per_year
            + self.upgrades.get(year, 0.0)
            + (self.power_per_year)
        )


class TcoYear(BaseModel):
    """One year of the comparison, in USD.

    >>> TcoYear(year=1, cloud=90.0, local=72.0, cloud_cumulative=90.0, local_cumulative=72.0).year
    1
    """

    model_config = ConfigDict(frozen=True)

    year: int
    """1-based year."""
    cloud: float
    """Cloud bill that year."""
    local: float
    """Local spending that year."""
    cloud_cumulative: float
    """Cloud bills so far."""
    local_cumulative: float
    """Local spending so far."""


class TcoReport(BaseModel):
    """Cloud against local over a horizon; ``savings`` is what going local saves.

    >>> compare_tco(SCENARIO_A.cloud, SCENARIO_A.local).savings
    300000.0
    """

    model_config = ConfigDict(frozen=True)

    cloud_label: str
    """The cloud option's name."""
    local_label: str
    """The local option's name."""
    years: tuple[TcoYear, ...]
    """Year by year."""
    break_even_queries_per_day: float
    """Daily volume at which both cost the same over the horizon (``inf``: never)."""

    @property
    def cloud_total(self) -> float:
        """Cloud cost over the horizon."""
        return self.years[-1].cloud_cumulative if self.years else 0.0

    @property
    def local_total(self) -> float:
        """Local cost over the horizon."""
        return self.years[-1].local_cumulative if self.years else 0.0

    @property
    def savings(self) -> float:
        """Cloud total minus local total (negative: the cloud is cheaper)."""
        return self.cloud_total - self.local_total

    @property
    def savings_pct(self) -> float:
        """Savings as a percentage of the cloud total."""
        return 100 * self.savings / self.cloud_total if self.cloud_total else 0.0

    @property
    def payback_year(self) -> int | None:
        """First year by whose end local has cost no more than cloud, if any."""
        return next((y.year for y in self.years if y.local_cumulative <= y.cloud_cumulative), None)


def break_even_daily_volume(cloud: CloudCost, local: LocalCost, years: int = 5) -> float:
    """Return the year-1 daily volume at which local and cloud cost the same over ``years``.

    The local cluster's cost does not depend on the volume it serves (up to its capacity), and
    the cloud's grows linearly with it, so the break-even is local total / cloud cost per unit of
    daily volume. Above it, local is cheaper. ``inf`` when a cloud query costs nothing.

    >>> cloud = CloudCost(queries_per_day=1, input_tokens_per_query=1000, input_price_per_million=3)
    >>> round(break_even_daily_volume(cloud, LocalCost(hardware_cost=10_950), years=1))
    10000
    """
    local_total = sum(local.year_cost(year) for year in range(1, years + 1))
    growth = sum((1 + cloud.annual_growth) ** (year - 1) for year in range(1, years + 1))
    per_daily_query = cloud.cost_per_query * cloud.days_per_year * growth
    return local_total / per_daily_query if per_daily_query else math.inf


def compare_tco(cloud: CloudCost, local: LocalCost, years: int = 5) -> TcoReport:
    """Return the year-by-year cost of ``cloud`` and ``local`` over ``years``.

    >>> report = compare_tco(SCENARIO_A.cloud, SCENARIO_A.local, years=5)
    >>> report.cloud_total, report.local_total, round(report.savings_pct)
    (450000.0, 150000.0, 67)
    """
    if years < 1:
        raise ValueError("years must be at least 1")
    span = range(1, years + 1)
    cloud_costs = [cloud.year_cost(year) for year in span]
    local_costs = [local.year_cost(year) for year in span]
    rows = tuple(
        TcoYear(year=year, cloud=c, local=lo, cloud_cumulative=cc, local_cumulative=lc)
        for year, c, lo, cc, lc in zip(
            span,
            cloud_costs,
            local_costs,
            accumulate(cloud_costs),
            accumulate(local_costs),
            strict=True,
        )
    )
    return TcoReport(
        cloud_label=cloud.label,
        local_label=local.label,
        years=rows,
        break_even_queries_per_day=break_even_daily_volume(cloud, local, years),
    )


class TcoScenario(BaseModel):
    """A named comparison, ready to run.

    >>> SCENARIO_A.report().local_total
    150000.0
    """

    model_config = ConfigDict(frozen=True)

    name: str
    """Short title."""
    cloud: CloudCost
    """The cloud option."""
    local: LocalCost
    """The local option."""
    years: int = Field(default=5, ge=1)
    """Horizon."""

    def report(self, years: int | None = None) -> TcoReport:
        """Return the comparison over ``years`` (default: the scenario's horizon)."""
        return compare_tco(self.cloud, self.local, self.years if years is None else years)


SCENARIO_A = TcoScenario(
    name="Scenario A: 50,000 queries/day",
    cloud=CloudCost(label="Cloud API (GPT-4 Turbo)", queries_per_day=50_000, yearly_cost=90_000),
    local=LocalCost(
        label="Local LLM (4x A100 cluster)",
        hardware_cost=60_000,
        operations_per_year=12_000,
        upgrades={3: 30_000},
    ),
)
"""The seed's five-year example: $450,000 cloud against $150,000 local, saving 67 %."""
