"""LangChain adapters: the hybrid components as Runnables."""

from hybridchain.langchain.gate import GateMode, SensitivityGate

__all__ = ["GateMode", "SensitivityGate"]
