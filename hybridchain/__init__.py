"""hybridchain: run a local and a cloud model side by side; decide per request which answers."""

from hybridchain.core.availability import is_unavailable
from hybridchain.core.complexity import FeatureScorer, Scorer
from hybridchain.core.confidence import (
    Assessment,
    ConfidenceWeights,
    LocalModelUnavailableError,
    SignalConfig,
)
from hybridchain.core.config import ConfigError, HybridConfig, load_config
from hybridchain.core.cost import (
    Budget,
    BudgetExceededError,
    BudgetGuard,
    BudgetScope,
    CloudPrices,
    CostEvent,
    LedgerFallbackWarning,
    LocalCostModel,
    MemoryLedger,
    ModelPrice,
    RedisLedger,
    SQLiteLedger,
)
from hybridchain.core.cost.report import CostReport
from hybridchain.core.decision import RouteDecision
from hybridchain.core.detect import (
    CallableRecognizer,
    Detector,
    PresidioDetector,
    RegexRecognizer,
)
from hybridchain.core.findings import Finding, SensitivityReport
from hybridchain.core.policy import RegexRecognizerConfig, SensitivityPolicy
from hybridchain.core.pseudonymize import Pseudonymizer
from hybridchain.core.routing_table import SEED_TABLE, RoutingRule, RoutingTable
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import HybridchainError, MissingExtraError, SensitiveDataError
from hybridchain.langchain.chat_model import HybridChatModel
from hybridchain.langchain.cost_meter import CostMeter, cost_meter
from hybridchain.langchain.escalator import ConfidenceEscalator
from hybridchain.langchain.facade import ModelRouter
from hybridchain.langchain.from_config import hybrid_chain
from hybridchain.langchain.gate import GateMode, SensitivityGate
from hybridchain.langchain.router import ComplexityRouter, Tier

__all__ = [
    "SEED_TABLE",
    "Assessment",
    "Budget",
    "BudgetExceededError",
    "BudgetGuard",
    "BudgetScope",
    "CallableRecognizer",
    "CloudPrices",
    "ComplexityRouter",
    "ConfidenceEscalator",
    "ConfidenceWeights",
    "ConfigError",
    "CostEvent",
    "CostMeter",
    "CostReport",
    "Detector",
    "FeatureScorer",
    "Finding",
    "GateMode",
    "HybridChatModel",
    "HybridConfig",
    "HybridchainError",
    "LedgerFallbackWarning",
    "LocalCostModel",
    "LocalModelUnavailableError",
    "MemoryLedger",
    "MissingExtraError",
    "ModelPrice",
    "ModelRouter",
    "PresidioDetector",
    "Pseudonymizer",
    "RedisLedger",
    "RegexRecognizer",
    "RegexRecognizerConfig",
    "RouteDecision",
    "RoutingRule",
    "RoutingTable",
    "SQLiteLedger",
    "Scorer",
    "SensitiveDataError",
    "Sensitivity",
    "SensitivityGate",
    "SensitivityPolicy",
    "SensitivityReport",
    "SignalConfig",
    "Tier",
    "cost_meter",
    "hybrid_chain",
    "is_unavailable",
    "load_config",
]
