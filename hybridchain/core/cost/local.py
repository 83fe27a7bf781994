"""The cost of a model call on your own hardware: amortized purchase, power and operations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["HOURS_PER_YEAR", "LocalCostModel"]

HOURS_PER_YEAR = 365 * 24
"""Hours in the (365-day) year the yearly costs are spread over."""
_SECONDS_PER_YEAR = HOURS_PER_YEAR * 3600


class LocalCostModel(BaseModel):
    """What one second of busy time, one token and one call cost on local hardware.

    The formula:

    - yearly cost = ``hardware_price_usd / amortization_years + operations_usd_per_year
      + power_watts / 1000 × HOURS_PER_YEAR × utilization × electricity_usd_per_kwh``
      (power is drawn while the machine is busy);
    - cost per busy second = yearly cost / (seconds per year × ``utilization``): the whole
      year's cost is carried by the seconds the machine actually serves requests;
    - cost per output token = cost per busy second / ``tokens_per_second``;
    - input (prompt) tokens are processed ``prefill_speed_factor`` times faster than output
      tokens are generated, so each costs ``1 / prefill_speed_factor`` of an output token;
      with ``prefill_speed_factor=None`` they are ignored (free).

    >>> gpu = LocalCostModel(hardware_price_usd=8760, amortization_years=1, power_watts=0,
    ...     electricity_usd_per_kwh=0, utilization=1, tokens_per_second=1)
    >>> round(gpu.cost_per_second * 3600, 6)  # 1 USD per hour of a fully used machine
    1.0
    >>> round(gpu.cost(output_tokens=3600), 6)
    1.0
    """

    model_config = ConfigDict(frozen=True)

    hardware_price_usd: float = Field(ge=0)
    """Purchase price of the machine (GPU, server)."""
    amortization_years: float = Field(default=3.0, gt=0)
    """Years over which the purchase is written off."""
    power_watts: float = Field(default=0.0, ge=0)
    """Average power draw while serving, in watts."""
    electricity_usd_per_kwh: float = Field(default=0.15, ge=0)
    """Electricity price per kilowatt-hour."""
    operations_usd_per_year: float = Field(default=0.0, ge=0)
    """Yearly operations cost (hosting, maintenance, staff share)."""
    utilization: float = Field(default=0.5, gt=0, le=1)
    """Share of the year the machine is busy serving requests, in (0, 1]."""
    tokens_per_second: float = Field(gt=0)
    """Output (decode) tokens generated per second."""
    prefill_speed_factor: float | None = Field(default=None, gt=0)
    """How many times faster prompt tokens are processed than output ones; ``None``: ignored."""

    @property
    def yearly_cost_usd(self) -> float:
        """Total cost of one year: amortized hardware, operations and power."""
        energy_kwh = self.power_watts / 1000 * HOURS_PER_YEAR * self.utilization
        return (
            self.hardware_price_usd / self.amortization_years
            + self.operations_usd_per_year
            + energy_kwh * self.electricity_usd_per_kwh
        )

    @property
    def cost_per_second(self) -> float:
        """Cost of one second of busy time."""
        return self.yearly_cost_usd / (_SECONDS_PER_YEAR * self.utilization)

    @property
    def cost_per_million_tokens(self) -> float:
        """Cost of one million output tokens."""
        return self.cost_per_second / self.tokens_per_second * 1_000_000

    def busy_seconds(self, output_tokens: int, input_tokens: int = 0) -> float:
        """Return the busy time a call of this size takes, by the token speeds."""
        seconds = output_tokens / self.tokens_per_second
        if self.prefill_speed_factor is not None:
            seconds += input_tokens / (self.tokens_per_second * self.prefill_speed_factor)
        return seconds

    def cost(
        self,
        output_tokens: int = 0,
        input_tokens: int = 0,
        seconds: float | None = None,
    ) -> float:
        """Return the USD cost of one call.

        Args:
            output_tokens: Completion tokens.
            input_tokens: Prompt tokens (see ``prefill_speed_factor``).
            seconds: Measured busy time of the call; when given, it is billed instead of the
                time the token counts imply.
        """
        busy = self.busy_seconds(output_tokens, input_tokens) if seconds is None else seconds
        return busy * self.cost_per_second
