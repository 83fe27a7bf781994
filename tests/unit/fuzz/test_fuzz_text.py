"""Fuzz the text side: normalization offsets, the request walkers, placeholders round trip."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from hybridchain.core.findings import Finding
from hybridchain.core.pseudonymize import Pseudonymizer
from hybridchain.core.scan import collect_pieces
from hybridchain.core.text.normalize import normalize
from hybridchain.core.text.walk import walk_input
from hybridchain.langchain.messages import walk_lc_input, walk_lc_output
from tests.unit.fuzz.fuzz_timing import growth
from tests.unit.fuzz.fuzz_values import fuzz_text, fuzz_unit, json_like, message_like


@settings(max_examples=500)
@given(text=fuzz_text)
def test_normalized_offsets_stay_inside_the_original(text: str) -> None:
    normalized = normalize(text)
    n = len(normalized.text)
    for start in range(0, n, max(1, n // 8)):
        for end in (start, start + 1, n):
            a, b = normalized.original_span(start, min(end, n))
            assert 0 <= a <= b <= len(text)


@settings(max_examples=10)
@given(unit=fuzz_unit)
def test_normalization_takes_linear_time(unit: str) -> None:
    n = 20_000 // len(unit) + 1
    assert growth(normalize, unit * n, unit * (4 * n)) < 16, unit


def _identity(text: str, _index: int | None, _path: str) -> str:
    return text


@settings(max_examples=400)
@given(value=st.one_of(json_like, st.lists(message_like, max_size=4), message_like))
def test_the_core_walker_reads_any_shape_or_names_the_type(value: Any) -> None:
    try:
        pieces = collect_pieces(value)
    except TypeError as exc:
        assert type(value).__name__ in str(exc)
        return
    assert all(isinstance(p.text, str) and p.text for p in pieces)
    assert walk_input(value, _identity) == value


_ROLES = st.sampled_from(["human", "system", "ai", "tool", "ai_call"])


@st.composite
def lc_messages(draw: st.DrawFn) -> list[Any]:
    out: list[Any] = []
    for role in draw(st.lists(_ROLES, min_size=1, max_size=4)):
        block = st.one_of(fuzz_text, st.dictionaries(st.sampled_from(["type", "text"]), json_like))
        content = draw(st.one_of(fuzz_text, st.lists(block, max_size=3)))
        if role == "human":
            out.append(HumanMessage(content=content))
        elif role == "system":
            out.append(SystemMessage(content=content))
        elif role == "tool":
            out.append(ToolMessage(content=content, tool_call_id="c1"))
        elif role == "ai":
            out.append(AIMessage(content=content))
        else:
            args = draw(st.dictionaries(st.sampled_from(["q", "to", "n"]), json_like, max_size=3))
            out.append(AIMessage("", tool_calls=[{"name": "f", "args": args, "id": "c1"}]))
    return out


@settings(max_examples=400)
@given(messages=lc_messages())
def test_the_langchain_walker_reads_and_rebuilds_any_conversation(messages: list[Any]) -> None:
    pieces = collect_pieces(messages, walk_lc_input)
    assert all(p.message_index is not None for p in pieces)
    assert walk_lc_input(messages, _identity) == messages
    assert walk_lc_output(messages, _identity) == messages


@settings(max_examples=500)
@given(text=fuzz_text, cuts=st.lists(st.tuples(st.integers(0, 400), st.integers(1, 40))))
def test_placeholders_round_trip_on_any_text(text: str, cuts: list[tuple[int, int]]) -> None:
    findings = [
        Finding("EMAIL_ADDRESS", min(s, len(text)), min(s + w, len(text)), 1.0) for s, w in cuts
    ]
    p = Pseudonymizer([text])
    masked = p.replace(text, findings)
    restored = p.restore(masked)
    restorer = p.stream_restorer()
    streamed = "".join(restorer.feed(masked[i : i + 3]) for i in range(0, len(masked), 3))
    assert streamed + restorer.flush() == restored
    # One value written two ways (``Ann``/``ANN``, full-width digits) shares a placeholder
    # and comes back as it was first written: equal up to that folding.
    assert _fold(restored) == _fold(text)


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf").casefold()


@pytest.mark.parametrize("bad", [object(), 3, b"bytes", {1, 2}])
def test_unreadable_requests_name_their_type(bad: Any) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        collect_pieces(bad, walk_lc_input)
