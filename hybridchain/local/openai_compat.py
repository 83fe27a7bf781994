"""A ``ChatOpenAI`` for any OpenAI-compatible server on your own hardware.

Ollama, vLLM, LM Studio and the llama.cpp server all speak the OpenAI chat API under a
``/v1`` base URL, so hybridchain uses ``langchain_openai.ChatOpenAI`` as its local model.
With Ollama, ``langchain-ollama``'s native ``ChatOllama`` works just as well.

Example::

    from langchain_ollama import ChatOllama  # pip install 'hybridchain[ollama]'

    local = ChatOllama(model="llama3.2")
    # or, through Ollama's OpenAI-compatible endpoint (vLLM: port 8000, LM Studio: 1234):
    local = openai_compatible("http://127.0.0.1:11434/v1", "llama3.2", api_key="ollama")
    # which amounts to
    local = ChatOpenAI(base_url="http://127.0.0.1:11434/v1", api_key="ollama", model="llama3.2")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from hybridchain.errors import MissingExtraError

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

__all__ = ["openai_compatible"]


def openai_compatible(
    base_url: str,
    model: str,
    *,
    max_tokens: int | None = None,
    temperature: float = 0.0,
    api_key: str = "local",
    timeout: float = 120.0,
    **kwargs: Any,
) -> ChatOpenAI:
    """Return a ``ChatOpenAI`` that talks to a local OpenAI-compatible server.

    Args:
        base_url: the server's API root, ending in ``/v1``.
        model: the model name the server knows.
        max_tokens: cap on output tokens, sent as ``max_tokens`` in the body: ChatOpenAI
            sends ``max_completion_tokens``, which older local servers (llama.cpp's
            Python server among them) ignore.
        temperature: sampling temperature; 0 makes answers repeatable.
        api_key: placeholder key: the client requires one, local servers ignore it.
        timeout: seconds a request may take; local models can be slow.
        **kwargs: any other ``ChatOpenAI`` field (``logprobs``, ``callbacks``, ...).

    Raises:
        MissingExtraError: ``langchain-openai`` is not installed.

    >>> chat = openai_compatible("http://127.0.0.1:11434/v1", "llama3.2", max_tokens=32)
    >>> chat.model_name, chat.extra_body, chat.max_retries
    ('llama3.2', {'max_tokens': 32}, 0)
    """
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as err:
        raise MissingExtraError("a local OpenAI-compatible chat model", "openai") from err
    extra_body: dict[str, Any] = dict(kwargs.pop("extra_body", None) or {})
    if max_tokens is not None:
        extra_body.setdefault("max_tokens", max_tokens)
    kwargs.setdefault("max_retries", 0)  # a local server that fails fails again; fall back instead
    return ChatOpenAI(
        base_url=base_url,
        api_key=SecretStr(api_key),
        model=model,
        temperature=temperature,
        timeout=timeout,
        extra_body=extra_body or None,
        **kwargs,
    )
