from __future__ import annotations

import pytest
from pydantic import ValidationError

from hybridchain.core.cost.local import HOURS_PER_YEAR, LocalCostModel


def test_hand_computed_numbers() -> None:
    # 3000 USD over 3 years = 1000/yr; ops 500/yr; 400 W × 8760 h × 0.5 = 1752 kWh × 0.2 = 350.4/yr
    model = LocalCostModel(
        hardware_price_usd=3000,
        amortization_years=3,
        power_watts=400,
        electricity_usd_per_kwh=0.2,
        operations_usd_per_year=500,
        utilization=0.5,
        tokens_per_second=50,
    )
    assert model.yearly_cost_usd == pytest.approx(1850.4)
    busy_seconds = 8760 * 3600 * 0.5  # 15,768,000
    assert model.cost_per_second == pytest.approx(1850.4 / busy_seconds)
    assert model.cost_per_second == pytest.approx(1.1735159817e-4)
    assert model.cost_per_million_tokens == pytest.approx(1.1735159817e-4 / 50 * 1e6)  # ≈ 2.347 USD
    assert model.cost(output_tokens=1000) == pytest.approx(20 * 1.1735159817e-4)
    assert model.cost(output_tokens=1000, seconds=2.0) == pytest.approx(2 * 1.1735159817e-4)


def test_input_tokens_ignored_by_default_and_priced_with_prefill_factor() -> None:
    base = {"hardware_price_usd": HOURS_PER_YEAR * 3600, "amortization_years": 1}
    ignored = LocalCostModel(**base, utilization=1, tokens_per_second=10)
    assert ignored.cost_per_second == pytest.approx(1.0)
    assert ignored.cost(output_tokens=10, input_tokens=1000) == pytest.approx(1.0)
    counted = LocalCostModel(**base, utilization=1, tokens_per_second=10, prefill_speed_factor=20)
    # 1000 prompt tokens at 200 tok/s = 5 s, 10 output tokens at 10 tok/s = 1 s
    assert counted.cost(output_tokens=10, input_tokens=1000) == pytest.approx(6.0)


def test_lower_utilization_makes_each_second_dearer() -> None:
    kwargs = {"hardware_price_usd": 10_000, "tokens_per_second": 30}
    full = LocalCostModel(**kwargs, utilization=1.0)
    tenth = LocalCostModel(**kwargs, utilization=0.1)
    assert tenth.cost_per_second == pytest.approx(full.cost_per_second * 10)


@pytest.mark.parametrize("utilization", [0.0, -0.1, 1.5])
def test_utilization_must_be_in_unit_interval(utilization: float) -> None:
    with pytest.raises(ValidationError):
        LocalCostModel(hardware_price_usd=1, tokens_per_second=1, utilization=utilization)
