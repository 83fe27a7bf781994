"""Cost accounting: cloud and local prices, ledgers of priced calls, and budgets."""

from hybridchain.core.cost.budget import (
    Budget,
    BudgetAction,
    BudgetExceededError,
    BudgetGuard,
    BudgetPeriod,
    BudgetScope,
    BudgetState,
    BudgetStatus,
    BudgetWarning,
)
from hybridchain.core.cost.events import CostEvent, Route
from hybridchain.core.cost.ledger import Ledger, LedgerTotals
from hybridchain.core.cost.local import LocalCostModel
from hybridchain.core.cost.memory import MemoryLedger
from hybridchain.core.cost.pricing import CloudPrices, ModelPrice, UnpricedModelWarning
from hybridchain.core.cost.redis_ledger import LedgerFallbackWarning, RedisLedger
from hybridchain.core.cost.sqlite import SQLiteLedger

__all__ = [
    "Budget",
    "BudgetAction",
    "BudgetExceededError",
    "BudgetGuard",
    "BudgetPeriod",
    "BudgetScope",
    "BudgetState",
    "BudgetStatus",
    "BudgetWarning",
    "CloudPrices",
    "CostEvent",
    "Ledger",
    "LedgerFallbackWarning",
    "LedgerTotals",
    "LocalCostModel",
    "MemoryLedger",
    "ModelPrice",
    "RedisLedger",
    "Route",
    "SQLiteLedger",
    "UnpricedModelWarning",
]
