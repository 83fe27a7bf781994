"""Normalize text before detection, keeping a map back to the original offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["NormalizedText", "normalize"]

# Format characters (category Cf: zero-width space/joiners, BOM, soft hyphen, bidi
# controls) are invisible and used to split values so that patterns miss them.
_INVISIBLE_CATEGORY = "Cf"

# `name [at] domain [dot] com`, `name (at) domain (dot) com`, `name{at}domain`: the
# bracketed words are unambiguous, so they are rewritten wherever they appear.
_BRACKETED = re.compile(r"[\[({<][ \t]{0,3}(at|dot|[.:@])[ \t]{0,3}[\])}>]", re.IGNORECASE)
_BRACKET_HINTS = ("at]", "at)", "at}", "at>", "[.]", "(.)", "{.}", "[:]", "[@]", "(@)")
# `name at domain dot com` in plain words: only when the whole shape of an address is there.
_SPELLED = re.compile(
    r"(?<=[A-Za-z0-9]) (?:at|AT) ([A-Za-z0-9-]{1,63})"
    r"((?: (?:dot|DOT) [A-Za-z0-9-]{1,63}){1,4})(?![\w-])"
)
_SPELLED_DOT = re.compile(r" (?:dot|DOT) ")
# `4 1 1 1 - 1 1 1 1 ...`, `3.5.8.8.1.1.8.0.1`, `D E 8 9 3 7 ...`: values typed one
# character at a time. Elements are single characters (never followed by another), so
# each element has one way to match and the scan stays linear.
_SPACED_HINT = re.compile(r"\d[ .\-]{1,3}\d[ .\-]{1,3}\d")
_SPACED_RUN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z0-9](?![A-Za-z0-9])(?:[ .\-]{1,3}[A-Za-z0-9](?![A-Za-z0-9])){6,}"
)
_SEPARATOR = re.compile(r"[ .\-]{1,3}")
_ONE_LETTER_WORDS = frozenset("aI")
_WORD_AFTER = re.compile(r" [A-Za-z]{2}")
_WORD_BEFORE = re.compile(r"[A-Za-z]{2} \Z")
_LETTER_PAIR = re.compile(r"[A-Z][ .\-]{1,3}[A-Z](?![A-Za-z])")
_LETTER_JOINED = re.compile(r"[A-Za-z][.\-]\d")
# JSON (and most languages') string escapes, as in a tool result or a pasted JSON blob:
# `"note\n4111 1111 1111 1111"` hides the card behind an `n` glued to its first digit, and
# `jos\u00e9@example.com` splits an address. One pass, left to right, so `\\n` is an escaped
# backslash and a letter, never a line break.
_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|[nrtbf\"\\/])")
_ESCAPED = {"n": "\n", "r": "\n", "t": "\t", "b": " ", "f": " ", '"': '"', "\\": "\\", "/": "/"}


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalized string and the offsets of its characters in the original.

    >>> n = normalize("mail: jo [at] example [dot] com")
    >>> n.text
    'mail: jo@example.com'
    >>> n.original_span(6, 20)
    (6, 31)
    """

    text: str
    """The normalized text that detectors see."""
    starts: tuple[int, ...] | None = None
    """Original start offset of each normalized character; ``None`` when unchanged."""
    ends: tuple[int, ...] | None = None
    """Original end offset of each normalized character; ``None`` when unchanged."""

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalized text back to the original text."""
        if self.starts is None or self.ends is None:
            return start, end
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else self._original_length()
            return at, at
        return self.starts[start], self.ends[end - 1]

    def _original_length(self) -> int:
        return self.ends[-1] if self.ends else 0


def _has_invisible_or_compat(text: str) -> bool:
    if text.isascii():
        return False
    if not unicodedata.is_normalized("NFKC", text):
        return True
    return any(unicodedata.category(c) == _INVISIBLE_CATEGORY for c in text if ord(c) > 127)


def _unicode_pass(text: str) -> tuple[list[str], list[int], list[int]]:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, c in enumerate(text):
        if ord(c) < 128:
            chars.append(c)
            starts.append(i)
            ends.append(i + 1)
            continue
        if unicodedata.category(c) == _INVISIBLE_CATEGORY:
            continue
        for n in unicodedata.normalize("NFKC", c):
            chars.append(n)
            starts.append(i)
            ends.append(i + 1)
    return chars, starts, ends


def _rewrite(
    text: str, starts: list[int], ends: list[int], edits: list[tuple[int, int, str]]
) -> tuple[str, list[int], list[int]]:
    """Apply sorted, non-overlapping ``(start, end, replacement)`` edits and their maps."""
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    for a, b, repl in edits:
        out.append(text[pos:a])
        new_starts.extend(starts[pos:a])
        new_ends.extend(ends[pos:a])
        out.append(repl)
        # A replacement character covers the whole original span it replaces.
        new_starts.extend([starts[a]] * len(repl))
        new_ends.extend([ends[b - 1]] * len(repl))
        pos = b
    out.append(text[pos:])
    new_starts.extend(starts[pos:])
    new_ends.extend(ends[pos:])
    return "".join(out), new_starts, new_ends


def _escape_edits(text: str) -> list[tuple[int, int, str]]:
    if "\\" not in text:
        return []
    edits: list[tuple[int, int, str]] = []
    for m in _ESCAPE.finditer(text):
        code = m.group()[1:]
        if code[0] != "u":
            edits.append((m.start(), m.end(), _ESCAPED[code]))
        elif not 0xD800 <= (point := int(code[1:], 16)) <= 0xDFFF:  # surrogates stay as written
            edits.append((m.start(), m.end(), chr(point)))
    return edits


def _spelled_edits(text: str) -> list[tuple[int, int, str]]:
    lowered = text.lower()
    edits: list[tuple[int, int, str]] = []
    if any(hint in lowered for hint in _BRACKET_HINTS):
        for m in _BRACKETED.finditer(text):
            # Swallow the blanks around the bracket too: `jo [at] example` is `jo@example`.
            start, end = m.start(), m.end()
            while start > 0 and text[start - 1] in " \t" and m.start() - start < 3:
                start -= 1
            while end < len(text) and text[end] in " \t" and end - m.end() < 3:
                end += 1
            word = m.group(1).lower()
            edits.append((start, end, {"at": "@", "dot": "."}.get(word, word)))
    if not edits and " at " in lowered and " dot " in lowered:
        # Bracketed and spelled forms rarely mix; doing one kind keeps edits disjoint.
        for m in _SPELLED.finditer(text):
            edits.append((m.start(), m.start(1), "@"))
            tail_start = m.start(2)
            for d in _SPELLED_DOT.finditer(m.group(2)):
                edits.append((tail_start + d.start(), tail_start + d.end(), "."))
        edits.sort()
    return edits


def _trim_prose(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop one-letter words (``a``, ``I``) that a run swallowed from the prose around it."""
    while end - start > 1 and text[end - 1] in _ONE_LETTER_WORDS and _WORD_AFTER.match(text, end):
        end = text.rfind(text[end - 1], start, end)
        while end > start and text[end - 1] in " .-":
            end -= 1
    while (
        end - start > 1
        and text[start] in _ONE_LETTER_WORDS
        and _WORD_BEFORE.search(text, 0, start)
        # `IBAN I E 3 8 …`: a letter followed by a letter starts a value (a country code).
        and not _LETTER_PAIR.match(text, start)
        # `NJ I-1-7-7-8 …`: a letter joined to a digit by a dash or dot starts a value too;
        # the pronoun is followed by a blank.
        and not _LETTER_JOINED.match(text, start)
    ):
        start += 1
        while start < end and text[start] in " .-":
            start += 1
    return start, end


def _spaced_edits(text: str) -> list[tuple[int, int, str]]:
    """Join values typed one character at a time, keeping their group boundaries.

    The separator used most inside a run joins characters and is dropped; any other
    separator marks a group boundary and becomes one ``-`` or blank, so
    ``2-4-0 5-9 2-0-7-9`` reads ``240 59 2079``.
    """
    if _SPACED_HINT.search(text) is None:
        return []
    edits: list[tuple[int, int, str]] = []
    for match in _SPACED_RUN.finditer(text):
        start, end = _trim_prose(text, match.start(), match.end())
        run = text[start:end]
        digits = sum(c.isdigit() for c in run)
        elements = sum(c.isalnum() for c in run)
        # Enough digits to be a number worth hiding: 7+ characters with 6+ digits
        # (phones, cards, SSNs), or 10+ characters with 3+ digits (licences, IBANs).
        if not ((elements >= 7 and digits >= 6) or (elements >= 10 and digits >= 3)):
            continue
        seps = list(_SEPARATOR.finditer(run))
        counts: dict[str, int] = {}
        for sep in seps:
            counts[sep.group()] = counts.get(sep.group(), 0) + 1
        joiner = max(counts, key=lambda k: counts[k])
        base = start
        for sep in seps:
            value = sep.group()
            if value == joiner:
                replacement = ""
            else:
                replacement = "-" if "-" in value else " " if " " in value else "."
            edits.append((base + sep.start(), base + sep.end(), replacement))
    return edits


def normalize(text: str) -> NormalizedText:
    r"""Normalize ``text`` for detection and keep the offset map.

    Decodes string escapes (``\n``, ``\"``, ``\u00e9``: JSON in a tool result or a
    pasted blob), applies NFKC (full-width digits become ASCII), drops invisible format
    characters (zero-width spaces, soft hyphens), rewrites spelled-out or defanged
    addresses (``jo [at] example [dot] com``, ``10[.]0[.]0[.]7``), and joins values
    typed one character at a time (``4 1 1 1 - 1 1 1 1 …``). Ordinary groupings such
    as ``4111 1111 1111 1111`` are left in place; the numeric detectors accept them.

    Args:
        text: The original text.

    Returns:
        The normalized text with a map back to ``text``; plain ASCII text with
        nothing spelled out is returned as is, without a map.
    """
    current = text
    starts: list[int] = []
    ends: list[int] = []
    escapes = _escape_edits(text)
    if escapes:
        starts, ends = list(range(len(text))), list(range(1, len(text) + 1))
        current, starts, ends = _rewrite(text, starts, ends, escapes)
    unicode_changes = _has_invisible_or_compat(current)
    if unicode_changes:
        chars, char_starts, char_ends = _unicode_pass(current)
        if escapes:  # compose with the escape pass's map
            char_starts = [starts[i] for i in char_starts]
            char_ends = [ends[i - 1] for i in char_ends]
        current, starts, ends = "".join(chars), char_starts, char_ends
    edits = _spelled_edits(current)
    spaced = _spaced_edits(current)
    if not edits and not spaced and not unicode_changes and not escapes:
        return NormalizedText(text)
    if not unicode_changes and not escapes:
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
    if edits:
        current, starts, ends = _rewrite(current, starts, ends, edits)
        spaced = _spaced_edits(current)
    if spaced:
        current, starts, ends = _rewrite(current, starts, ends, spaced)
    return NormalizedText(current, tuple(starts), tuple(ends))
