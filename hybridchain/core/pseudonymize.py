"""Replace sensitive values by stable placeholders for one request, and restore them."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from hybridchain.core.findings import Finding

__all__ = ["PLACEHOLDER_RE", "Pseudonymizer", "StreamRestorer", "json_string_content"]

PLACEHOLDER_RE = re.compile(r"<[A-Z][A-Z0-9_]{0,40}_\d{1,6}>")
"""What a placeholder looks like (``<EMAIL_ADDRESS_1>``)."""
_PLACEHOLDER = PLACEHOLDER_RE
_PARTIAL_TAIL = re.compile(r"<[A-Z0-9_]{0,48}\Z")
_MAX_PLACEHOLDER = 50


def json_string_content(value: str) -> str:
    r"""Return ``value`` escaped as the inside of a JSON string (no surrounding quotes).

    >>> json_string_content('a "b"\n')
    'a \\"b\\"\\n'
    """
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _value_key(value: str) -> str:
    # The same value written with full-width digits or zero-width spaces is the same value.
    folded = unicodedata.normalize("NFKC", value)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf").casefold()


def _non_overlapping(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the longest, then highest-scored, of overlapping findings."""
    ordered = sorted(findings, key=lambda f: (f.start, -(f.end - f.start), -f.score))
    kept: list[Finding] = []
    for f in ordered:
        if f.end <= f.start:
            continue
        if kept and f.start < kept[-1].end:
            if f.end > kept[-1].end and f.end - f.start > kept[-1].end - kept[-1].start:
                kept[-1] = f
            continue
        kept.append(f)
    return kept


class Pseudonymizer:
    """Per-request mapping between sensitive values and placeholders like ``<EMAIL_ADDRESS_1>``.

    The same value gets the same placeholder in every message of the request.
    Placeholders never collide with text already in the request, so
    ``restore(replace(text))`` gives back ``text`` exactly. The mapping lives in
    this object only; drop it when the request ends.

    >>> p = Pseudonymizer(["write to ann@example.com"])
    >>> masked = p.replace("write to ann@example.com", [Finding("EMAIL_ADDRESS", 9, 24, 1.0)])
    >>> masked
    'write to <EMAIL_ADDRESS_1>'
    >>> p.restore(masked)
    'write to ann@example.com'
    """

    def __init__(self, texts: Sequence[str] = ()) -> None:
        """Start a mapping for a request whose texts are ``texts`` (to avoid collisions)."""
        self._texts = list(texts)
        self._by_key: dict[str, str] = {}
        self._values: dict[str, str] = {}
        self._counters: defaultdict[str, int] = defaultdict(int)

    def __len__(self) -> int:
        return len(self._values)

    @property
    def placeholders(self) -> list[str]:
        """The placeholders handed out so far (no values)."""
        return list(self._values)

    def placeholder_for(self, entity_type: str, value: str) -> str:
        """Return the placeholder of ``value``, creating one on first sight."""
        key = f"{entity_type}\x00{_value_key(value)}"
        existing = self._by_key.get(key)
        if existing is not None:
            return existing
        label = re.sub(r"[^A-Z0-9_]", "_", entity_type.upper()) or "ENTITY"
        if not label[0].isalpha():
            label = f"E{label}"
        label = label[:40]
        while True:
            self._counters[label] += 1
            placeholder = f"<{label}_{self._counters[label]}>"
            if not any(placeholder in t for t in self._texts):
                break
        self._by_key[key] = placeholder
        self._values[placeholder] = value
        return placeholder

    def replace(self, text: str, findings: Iterable[Finding]) -> str:
        """Return ``text`` with each finding's value replaced by its placeholder."""
        out: list[str] = []
        pos = 0
        for f in _non_overlapping(findings):
            out.append(text[pos : f.start])
            out.append(self.placeholder_for(f.entity_type, text[f.start : f.end]))
            pos = f.end
        out.append(text[pos:])
        return "".join(out)

    def restore(self, text: str, escape: Callable[[str], str] | None = None) -> str:
        r"""Put the original values back in place of this request's placeholders.

        Args:
            text: Text that may hold placeholders.
            escape: Applied to each value put back, e.g. to keep JSON text valid
                (:func:`json_string_content`).

        Returns:
            ``text`` with this request's placeholders replaced by their values.

        >>> p = Pseudonymizer()
        >>> ph = p.placeholder_for("PERSON", 'Ann "Nan" Lee')
        >>> p.restore('{"who": "' + ph + '"}', escape=json_string_content)
        '{"who": "Ann \\"Nan\\" Lee"}'
        """
        if not self._values or "<" not in text:
            return text

        def value(m: re.Match[str]) -> str:
            found = self._values.get(m.group())
            if found is None:
                return m.group()
            return found if escape is None else escape(found)

        return _PLACEHOLDER.sub(value, text)

    def stream_restorer(self) -> StreamRestorer:
        """Return a restorer for text that arrives in chunks."""
        return StreamRestorer(self)


class StreamRestorer:
    """Restore placeholders in streamed text, also when a chunk ends inside one.

    >>> p = Pseudonymizer()
    >>> ph = p.placeholder_for("PERSON", "Ann Lee")
    >>> r = p.stream_restorer()
    >>> r.feed("Hi <PER") + r.feed("SON_1>!") + r.flush()
    'Hi Ann Lee!'
    """

    def __init__(self, pseudonymizer: Pseudonymizer) -> None:
        """Start restoring for ``pseudonymizer``'s placeholders."""
        self._p = pseudonymizer
        self._held = ""

    def feed(self, chunk: str) -> str:
        """Return what can be shown of ``chunk`` now; a possible placeholder start is held."""
        text = self._held + chunk
        tail = _PARTIAL_TAIL.search(text[-_MAX_PLACEHOLDER:]) if "<" in text else None
        if tail is not None:
            cut = len(text) - (len(text[-_MAX_PLACEHOLDER:]) - tail.start())
            self._held = text[cut:]
            text = text[:cut]
        else:
            self._held = ""
        return self._p.restore(text)

    def flush(self) -> str:
        """Return whatever is still held (the stream has ended)."""
        held, self._held = self._held, ""
        return self._p.restore(held)
