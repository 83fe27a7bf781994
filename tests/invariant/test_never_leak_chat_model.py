"""Never leak through ``HybridChatModel``, with and without tools bound, on every entry point."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.runnables import Runnable
from langchain_core.tools import tool

from hybridchain import HybridChatModel
from hybridchain.testing import EchoChatModel, RecorderServer
from tests.invariant.leak_harness import (
    ENTRY_POINTS,
    Targets,
    Watch,
    call,
    cloud_model,
    tapped,
    text_of,
)
from tests.invariant.leak_values import PLACES, Secret, conversation, public_prompts, secrets

PLACEHOLDER = re.compile(r"<[A-Z][A-Z0-9_]*_\d+>")


@tool
def lookup(query: str) -> str:
    """Look a customer up."""
    return "no record"


class ToolEcho(EchoChatModel):
    """An echo model that accepts tools (and ignores them)."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> Runnable[Any, Any]:
        return self


@pytest.fixture(scope="module")
def watch(recorder: RecorderServer) -> Iterator[Watch]:
    with tapped() as tap:
        yield Watch(recorder, tap)


@pytest.fixture(scope="module")
def models(recorder: RecorderServer) -> Targets:
    out = Targets()
    for mode in ("route", "pseudonymize"):
        model = HybridChatModel(
            local=ToolEcho(label="local"), cloud=cloud_model(recorder), mode=mode
        )
        out[mode, False] = model
        out[mode, True] = model.bind_tools([lookup])
    return out


@settings(max_examples=400)
@given(
    secret=secrets(seed=11),
    place=st.sampled_from(PLACES),
    entry=st.sampled_from(ENTRY_POINTS),
    mode=st.sampled_from(["route", "pseudonymize"]),
    tools=st.booleans(),
    companion=public_prompts,
)
def test_hybrid_chat_model_never_leaks(
    models: Targets,
    watch: Watch,
    loop: asyncio.AbstractEventLoop,
    secret: Secret,
    place: str,
    entry: str,
    mode: str,
    tools: bool,
    companion: str,
) -> None:
    w = watch.fresh()
    messages = conversation(secret.text, place)
    out = call(entry, models[mode, tools], messages, w, loop, companion)
    assert w.error is None, repr(w.error)
    answer = text_of(out)
    batch = entry in ("batch", "abatch")
    if mode == "pseudonymize" and secret.hideable:
        assert PLACEHOLDER.search("".join(w.sent()))
        if tools:
            # The cloud called the tool with the (masked) request; the tool gets real values.
            # (The recorder fabricates arguments from the start of the last user message.)
            assert [call["name"] for call in out.tool_calls] == ["lookup"]
            assert not PLACEHOLDER.search(str(out.tool_calls))
        else:
            assert answer.startswith("cloud: ")
            assert text_of(messages[-1]).strip() in answer
    else:
        assert answer.startswith("local: ")
        assert len(w.recorder.requests) == (1 if batch else 0)
    w.assert_clean(secret)
