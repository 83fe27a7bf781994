"""Framework-free core: text, detectors, policy, decisions. No LangChain or LiteLLM imports."""

__all__: list[str] = []
