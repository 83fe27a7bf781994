"""hybridchain: run a local and a cloud model side by side; decide per request which answers."""

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
from hybridchain.core.sensitivity import Sensitivity
from hybridchain.errors import HybridchainError, MissingExtraError, SensitiveDataError
from hybridchain.langchain.gate import GateMode, SensitivityGate

__all__ = [
    "CallableRecognizer",
    "Detector",
    "Finding",
    "GateMode",
    "HybridchainError",
    "MissingExtraError",
    "PresidioDetector",
    "Pseudonymizer",
    "RegexRecognizer",
    "RegexRecognizerConfig",
    "RouteDecision",
    "SensitiveDataError",
    "Sensitivity",
    "SensitivityGate",
    "SensitivityPolicy",
    "SensitivityReport",
]
