"""Text-offset helpers shared by the structured detectors."""

from __future__ import annotations

import re

__all__ = [
    "glued_after",
    "in_iban_tail",
    "is_list_item",
    "lower_keeping_offsets",
    "statement_start",
]

# A statement ends at a semicolon closing a line (SQL) or at a blank line (a paragraph, a CSV
# block); a semicolon inside a line may be a CSV delimiter.
_STATEMENT_END = re.compile(r";[ \t]{0,8}(?:\n|\Z)|\n[ \t]{0,8}\n")
_MAX_STATEMENT_END = 10
_ITEM_OPENERS = frozenset("(,;|\t\n[{")
_ITEM_CLOSERS = frozenset("),;|\t\n]}'\"")
_QUOTES = "'\"`"
# The head of an IBAN whose BBAN holds letters, up to where a digit run inside it starts: the run
# ("GB97 WSTJ 6120 5807 0591 43") is the account number's tail, not a card or phone number.
_IBAN_HEAD_BEFORE = re.compile(r"(?i)(?<![a-z0-9])[a-z]{2}\d{2}(?:[ \-]?[a-z0-9]{4}){1,7}[ \-]?\Z")
_MAX_IBAN_HEAD = 2 + 2 + 7 * 5 + 1


def glued_after(text: str, end: int) -> bool:
    """Whether the run at ``text[:end]`` continues into a word (a hex id, a unit, a code)."""
    if end >= len(text):
        return False
    nxt = text[end]
    if nxt.isalnum() or nxt == "_":
        return True
    return nxt in ".-" and end + 1 < len(text) and text[end + 1].isalnum()


def in_iban_tail(text: str, start: int) -> bool:
    """Whether the digit run at ``text[start]`` continues an IBAN that holds letters."""
    if not start or text[start - 1] not in " -":
        return False
    head = text[max(0, start - _MAX_IBAN_HEAD) : start]
    return any(ch.isalpha() for ch in head) and _IBAN_HEAD_BEFORE.search(head) is not None


def lower_keeping_offsets(text: str) -> str:
    """Lowercase ``text`` keeping every offset (a few characters, like "İ", grow when lowered)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def statement_start(text: str, pos: int, limit: int) -> int:
    """Return where the statement holding ``text[pos]`` starts, looking back at most ``limit``.

    A statement is an SQL statement or a block of lines such as a CSV header and its rows.
    """
    floor = max(0, pos - limit)
    start = floor
    # Look a little past ``pos``: a search that stopped there would take it for the text's end.
    for end in _STATEMENT_END.finditer(text, floor, min(len(text), pos + _MAX_STATEMENT_END)):
        if end.end() <= pos:
            start = end.end()
    return start


def is_list_item(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is one item of a list: a column name, a CSV or SQL value.

    The item may be quoted and padded with spaces; before it comes an opening bracket, a
    delimiter (comma, semicolon, tab, pipe) or a line start, and after it a closing bracket, a
    delimiter, a line end or the next quoted value.
    """
    i = start
    if i and text[i - 1] in _QUOTES:
        i -= 1
    while i and text[i - 1] == " ":
        i -= 1
    if i and text[i - 1] not in _ITEM_OPENERS:
        return False
    j, n = end, len(text)
    if j < n and text[j] in _QUOTES:
        j += 1
    while j < n and text[j] == " ":
        j += 1
    return j == n or text[j] in _ITEM_CLOSERS
