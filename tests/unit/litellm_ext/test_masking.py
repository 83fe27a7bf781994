"""Restoring streamed LiteLLM answers (hybridchain.litellm.masking), chunk by chunk."""

from __future__ import annotations

import json
from typing import Any

import pytest

litellm = pytest.importorskip("litellm")

from litellm.types.utils import Delta, ModelResponseStream, StreamingChoices  # noqa: E402

from hybridchain.core.pseudonymize import Pseudonymizer  # noqa: E402
from hybridchain.litellm.masking import ChunkRestorer  # noqa: E402

pytestmark = [pytest.mark.filterwarnings("ignore:Items? .*ReadOnly:UserWarning")]

NAME = 'Ann "Nan" Lee'


def chunk(text: str | None = None, arguments: str | None = None, finish: str | None = None) -> Any:
    calls = None
    if arguments is not None:
        calls = [{"index": 0, "function": {"arguments": arguments}}]
    delta = Delta(content=text, tool_calls=calls)
    return ModelResponseStream(
        choices=[StreamingChoices(index=0, delta=delta, finish_reason=finish)]
    )


def restored(chunks: list[Any]) -> tuple[str, str]:
    """Run ``chunks`` through a restorer; return the text and the tool call's arguments."""
    mapping = Pseudonymizer()
    assert mapping.placeholder_for("PERSON", NAME) == "<PERSON_1>"
    restorer = ChunkRestorer(mapping)
    for c in chunks:
        restorer.restore(c)
    closing = restorer.closing()
    text, arguments = "", ""
    for c in [*chunks, *([closing] if closing is not None else [])]:
        for choice in c.choices:
            text += choice.delta.content or ""
            for call in choice.delta.tool_calls or []:
                arguments += call.function.arguments or ""
    return text, arguments


@pytest.mark.parametrize("finish", ["tool_calls", None])
def test_split_argument_placeholders_come_back_json_escaped(finish: str | None) -> None:
    pieces = ['{"who": "<PE', "RSON", '_1>", "n": 1}']
    chunks = [chunk(arguments=p) for p in pieces]
    if finish is not None:  # else: the stream was cut short, closing() carries the rest
        chunks.append(chunk(finish=finish))
    _, arguments = restored(chunks)
    assert json.loads(arguments) == {"who": NAME, "n": 1}


def test_text_split_across_chunks_is_restored_once() -> None:
    text, arguments = restored([chunk("Hi <PERS"), chunk("ON_1>!"), chunk("", finish="stop")])
    assert (text, arguments) == (f"Hi {NAME}!", "")


def test_a_cut_stream_gives_back_held_text() -> None:
    assert restored([chunk("Bye <PERS")])[0] == "Bye <PERS"
