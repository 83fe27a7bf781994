"""Import LiteLLM or explain which extra provides it."""

from __future__ import annotations

from types import ModuleType

from hybridchain.errors import MissingExtraError

__all__ = ["require_litellm"]


def require_litellm(feature: str) -> ModuleType:
    """Return the ``litellm`` module.

    Args:
        feature: What needs it, named in the error.

    Raises:
        MissingExtraError: LiteLLM is not installed.
    """
    try:
        import litellm
    except ImportError as err:
        raise MissingExtraError(feature, "litellm") from err
    return litellm
