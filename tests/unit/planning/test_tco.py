import math

import pytest
from pydantic import ValidationError

from hybridchain.planning import (
    SCENARIO_A,
    CloudCost,
    LocalCost,
    break_even_daily_volume,
    compare_tco,
)


def test_scenario_a_reproduces_the_seed_exactly() -> None:
    report = SCENARIO_A.report()
    assert SCENARIO_A.cloud.queries_per_day == 50_000
    assert [y.cloud for y in report.years] == [90_000.0] * 5
    assert [y.local for y in report.years] == [72_000.0, 12_000.0, 42_000.0, 12_000.0, 12_000.0]
    assert report.cloud_total == 450_000.0
    assert report.local_total == 150_000.0
    assert report.savings == 300_000.0
    assert round(report.savings_pct) == 67
    assert report.savings_pct == pytest.approx(200 / 3)
    assert [y.local_cumulative for y in report.years] == [72_000, 84_000, 126_000, 138_000, 150_000]
    assert report.payback_year == 1


def test_scenario_a_break_even_by_hand() -> None:
    # cloud: $90,000 a year for 50,000 queries a day = $9 per daily query over five years;
    # local: $150,000, whatever the volume → 150,000 / 9 queries a day.
    assert SCENARIO_A.report().break_even_queries_per_day == pytest.approx(150_000 / 9)
    assert break_even_daily_volume(SCENARIO_A.cloud, SCENARIO_A.local, years=1) == pytest.approx(
        72_000 / (90_000 / 50_000)
    )


def test_break_even_from_token_prices() -> None:
    # 1,000 input tokens at $2/M + 500 output tokens at $2/M = $0.003 a query = $1.095 a year
    # per daily query; a $10,950 box breaks even at 10,000 queries a day over one year.
    cloud = CloudCost(
        queries_per_day=1,
        input_tokens_per_query=1000,
        input_price_per_million=2,
        output_tokens_per_query=500,
        output_price_per_million=2,
    )
    assert cloud.cost_per_query == pytest.approx(0.003)
    local = LocalCost(hardware_cost=10_950)
    volume = break_even_daily_volume(cloud, local, years=1)
    assert volume == pytest.approx(10_000)
    at_break_even = compare_tco(cloud.model_copy(update={"queries_per_day": volume}), local, 1)
    assert at_break_even.savings == pytest.approx(0, abs=1e-6)


def test_break_even_with_growth() -> None:
    # with 10 % growth, two years of cloud cost 1 + 1.1 = 2.1 years of year-1 volume
    cloud = CloudCost(
        queries_per_day=1, input_tokens_per_query=1000, input_price_per_million=3, annual_growth=0.1
    )
    local = LocalCost(hardware_cost=0.003 * 365 * 2.1 * 10_000)
    assert break_even_daily_volume(cloud, local, years=2) == pytest.approx(10_000)
    report = compare_tco(cloud.model_copy(update={"queries_per_day": 10_000}), local, years=2)
    assert report.years[1].cloud == pytest.approx(report.years[0].cloud * 1.1)


def test_free_cloud_never_breaks_even() -> None:
    cloud = CloudCost(queries_per_day=100)
    assert math.isinf(break_even_daily_volume(cloud, LocalCost(hardware_cost=1)))


def test_power_and_upgrades() -> None:
    local = LocalCost(
        hardware_cost=1000,
        power_watts=1000,
        electricity_per_kwh=0.10,
        upgrades={2: 500, 9: 10_000},
    )
    assert local.power_per_year == pytest.approx(876.0)
    assert local.year_cost(1) == pytest.approx(1876.0)
    assert local.year_cost(2) == pytest.approx(1376.0)
    # an upgrade beyond the horizon is not counted
    report = compare_tco(CloudCost(queries_per_day=0), local, years=3)
    assert report.local_total == pytest.approx(1000 + 500 + 3 * 876)


def test_cloud_cheaper_gives_negative_savings() -> None:
    report = compare_tco(
        CloudCost(queries_per_day=500, yearly_cost=1_000), LocalCost(hardware_cost=20_000), years=3
    )
    assert report.savings == -17_000.0
    assert report.savings_pct == pytest.approx(-17_000 / 3_000 * 100)
    assert report.payback_year is None


def test_invalid_inputs() -> None:
    with pytest.raises(ValidationError, match="queries_per_day"):
        CloudCost(queries_per_day=0, yearly_cost=10)
    with pytest.raises(ValidationError, match="upgrades"):
        LocalCost(hardware_cost=1, upgrades={0: 5})
    with pytest.raises(ValueError, match="years"):
        compare_tco(SCENARIO_A.cloud, SCENARIO_A.local, years=0)
