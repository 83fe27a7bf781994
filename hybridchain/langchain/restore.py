"""Restore placeholders in streamed LangChain chunks, including tool-call argument chunks."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessageChunk, BaseMessageChunk

from hybridchain.core.pseudonymize import Pseudonymizer, StreamRestorer
from hybridchain.langchain.messages import walk_lc_output

__all__ = ["ChunkRestorer"]


class ChunkRestorer:
    """Restore one stream's chunks; a placeholder split across chunks is held until whole."""

    def __init__(self, pseudonymizer: Pseudonymizer) -> None:
        """Restore the placeholders of ``pseudonymizer``."""
        self._p = pseudonymizer
        self._content = pseudonymizer.stream_restorer()
        self._args: dict[int, StreamRestorer] = {}
        self._last: Any = None

    def restore(self, chunk: Any) -> Any:
        """Return the chunk with every complete placeholder restored."""
        self._last = chunk
        if isinstance(chunk, str):
            return self._content.feed(chunk)
        if isinstance(chunk, AIMessageChunk):
            return self._message_chunk(chunk)
        if isinstance(chunk, BaseMessageChunk) and isinstance(chunk.content, str):
            return chunk.model_copy(update={"content": self._content.feed(chunk.content)})
        return walk_lc_output(chunk, lambda text, _i, _p: self._p.restore(text))

    def flush(self) -> Any | None:
        """Return a last chunk with whatever is still held, or ``None``."""
        text = self._content.flush()
        held_args = {i: r.flush() for i, r in self._args.items()}
        held_args = {i: a for i, a in held_args.items() if a}
        if not text and not held_args:
            return None
        if isinstance(self._last, AIMessageChunk):
            return AIMessageChunk(
                content=text,
                id=self._last.id,
                tool_call_chunks=[
                    {"name": None, "args": a, "id": None, "index": i, "type": "tool_call_chunk"}
                    for i, a in held_args.items()
                ],
            )
        if isinstance(self._last, BaseMessageChunk):
            return self._last.model_copy(update={"content": text})
        return text

    def _message_chunk(self, chunk: AIMessageChunk) -> AIMessageChunk:
        content: Any = chunk.content
        if isinstance(content, str):
            content = self._content.feed(content)
        else:
            content = walk_lc_output(content, lambda text, _i, _p: self._content.feed(text))
        tool_call_chunks = []
        for position, call in enumerate(chunk.tool_call_chunks):
            index = call.get("index")
            key = position if index is None else index
            args = call.get("args")
            if isinstance(args, str):
                restorer = self._args.setdefault(key, self._p.stream_restorer())
                call = {**call, "args": restorer.feed(args)}
            tool_call_chunks.append(call)
        additional = walk_lc_output(
            chunk.additional_kwargs, lambda text, _i, _p: self._p.restore(text)
        )
        return AIMessageChunk(
            content=content,
            id=chunk.id,
            name=chunk.name,
            additional_kwargs=additional,
            response_metadata=chunk.response_metadata,
            usage_metadata=chunk.usage_metadata,
            tool_call_chunks=tool_call_chunks,
            chunk_position=chunk.chunk_position,
        )
