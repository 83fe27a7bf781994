"""Phone number detector, validated with ``phonenumbers``."""

from __future__ import annotations

import re

import phonenumbers
import stdnum.luhn

from hybridchain.core.findings import Finding

__all__ = ["PhoneDetector"]

# A maximal run of at least seven digits joined by at most two separator characters. It starts
# with a digit so the engine can skip ahead to one; the lookbehinds after that digit stop a match
# from starting inside a run (after a digit and one or two separators) or glued to a word.
# Separators and digits are disjoint and the loop can stop anywhere, so a run is scanned once.
_RUN = re.compile(r"\d(?<!\w\d)(?<!\d[ .\-()/]\d)(?<!\d[ .\-()/]{2}\d)(?:[ .\-()/]{0,2}\d){6,}")
_DIGITS = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_CONTEXT = re.compile(
    r"(?i)\b(?:(?:tele)?phone|tel|call|mobile|mob|cell|fax|whats\s?app|contact|ph)(?![a-z])"
)
_NEGATIVE_CONTEXT = re.compile(r"(?i)\b(?:isbn|issn|version|ver|build|release)\b[^\n]{0,12}$")

_CONTEXT_WINDOW = 30
_MIN_DIGITS = 7
_MAX_DIGITS = 15
_MAX_RUN_DIGITS = 40
_CARD_MIN, _CARD_MAX = 13, 19


class PhoneDetector:
    """Finds international and national phone numbers (``PHONE_NUMBER``).

    Cheap regex runs are validated with ``phonenumbers``: a valid number is a finding; a merely
    possible one only when a word such as "phone" or "call" comes shortly before it. National
    formats are read in ``default_region``.

    >>> [(f.start, f.end) for f in PhoneDetector().detect("Call +44 20 7946 0958 today")]
    [(5, 21)]
    """

    name: str = "phone"
    """Detector name recorded on findings."""

    def __init__(self, default_region: str = "US") -> None:
        """Create a detector.

        Args:
            default_region: ISO 3166 region for numbers written without a ``+`` country code.
        """
        self.default_region = default_region
        """ISO 3166 region used to read numbers written without a ``+`` country code."""
        self._national_lengths = _national_lengths(default_region)

    def detect(self, text: str) -> list[Finding]:
        """Return the phone numbers in ``text``."""
        if not _DIGIT.search(text):
            return []
        findings: list[Finding] = []
        for match in _RUN.finditer(text):
            start, end = match.span()
            if _glued_after(text, end):
                continue
            groups = [(start + g.start(), start + g.end()) for g in _DIGITS.finditer(match.group())]
            total = sum(e - s for s, e in groups)
            if total > _MAX_RUN_DIGITS or _NEGATIVE_CONTEXT.search(text, max(0, start - 20), start):
                continue
            if _CARD_MIN <= total <= _CARD_MAX and stdnum.luhn.is_valid(_digits(match.group())):
                continue  # A payment card, not a phone number.
            if start and text[start - 1] == "+":
                start -= 1
            if start and text[start - 1] == "(":
                start -= 1
            if start and (text[start - 1].isalnum() or text[start - 1] in "+_"):
                continue
            findings.extend(self._scan_groups(text, start, groups))
        return findings

    def _scan_groups(self, text: str, lead: int, groups: list[tuple[int, int]]) -> list[Finding]:
        """Take the longest valid numbers from left to right along the digit groups of a run."""
        found: list[Finding] = []
        before = [0]  # before[k]: digits in the groups ahead of group k
        for s, e in groups:
            before.append(before[-1] + e - s)
        i = 0
        while i < len(groups):
            first = lead if i == 0 else groups[i][0]
            for j in range(len(groups) - 1, i - 1, -1):
                digits = before[j + 1] - before[i]
                if digits < _MIN_DIGITS or digits > _MAX_DIGITS + 2:
                    continue
                if (i, j) != (0, len(groups) - 1) and digits < 2 * (j - i + 1):
                    continue  # Part of a list of small numbers ("1 2 3 4 5 6 7 8 9 10 11").
                finding = self._check(text, first, groups[j][1], digits)
                if finding is not None:
                    found.append(finding)
                    i = j
                    break
            i += 1
        return found

    def _check(self, text: str, start: int, end: int, digits: int) -> Finding | None:
        """Validate ``text[start:end]``, holding ``digits`` digits, as one phone number."""
        candidate = text[start:end]
        if candidate.startswith("(") and ")" not in candidate:
            start += 1
            candidate = candidate[1:]
        international = candidate.startswith(("+", "(+"))
        if not international and candidate.startswith("00"):
            candidate, international, digits = "+" + _digits(candidate)[2:], True, digits - 2
        # Cheap length and shape checks spare most calls to phonenumbers (~20 us each).
        if international:
            if not _MIN_DIGITS <= digits <= _MAX_DIGITS:
                return None
        elif digits not in self._national_lengths or _DOTTED_QUAD.fullmatch(candidate):
            return None
        try:
            number = phonenumbers.parse(candidate, None if international else self.default_region)
        except phonenumbers.NumberParseException:
            return None
        context = _CONTEXT.search(text, max(0, start - _CONTEXT_WINDOW), start) is not None
        if phonenumbers.is_valid_number(number):
            score = 0.95 if context else 0.85
        elif context and phonenumbers.is_possible_number(number):
            score = 0.65
        else:
            return None
        return Finding("PHONE_NUMBER", start, end, score, detector=self.name)


def _national_lengths(region: str) -> frozenset[int]:
    """Digit counts a national number of ``region`` can have, with or without its trunk prefix."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        return frozenset(range(_MIN_DIGITS, _MAX_DIGITS + 1))
    desc = metadata.general_desc
    lengths = set(desc.possible_length) | set(desc.possible_length_local_only)
    prefix = len(metadata.national_prefix or "")
    lengths |= {n + prefix for n in desc.possible_length}
    return frozenset(n for n in lengths if n >= _MIN_DIGITS)


def _digits(text: str) -> str:
    """Return the digits of ``text``."""
    return "".join(ch for ch in text if ch.isdigit())


def _glued_after(text: str, end: int) -> bool:
    """Whether the run at ``text[:end]`` continues into a word (a hex id, a unit, a code)."""
    if end >= len(text):
        return False
    nxt = text[end]
    if nxt.isalnum() or nxt == "_":
        return True
    return nxt in ".-" and end + 1 < len(text) and text[end + 1].isalnum()
