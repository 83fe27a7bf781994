import hybridchain


def test_public_api_is_pinned() -> None:
    assert hybridchain.__all__ == [
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


def test_every_exported_name_resolves() -> None:
    for name in hybridchain.__all__:
        assert getattr(hybridchain, name) is not None


def test_unit_tests_cannot_open_sockets() -> None:
    import socket

    import pytest
    from pytest_socket import SocketBlockedError

    with pytest.raises(SocketBlockedError), pytest.warns(UserWarning, match="socket"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
